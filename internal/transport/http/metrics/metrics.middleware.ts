import type { RequestHandler } from 'express';
import { releaseChannelOf, routeTemplate } from '../access-log.ts';
import { sendProblem } from '../problem.ts';

/** One request, as the metrics see it when its response is over. */
export interface RequestSample {
  readonly method: string;
  /** The route template (`/v1/users/:id`), `unmatched` when no route took it. */
  readonly route: string;
  /** Undefined when the client left before any answer was sent. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** The release channel that served it; undefined when none was chosen. */
  readonly channel: string | undefined;
}

/** The Prometheus exposition, ready to send. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

/** What the app needs from the metrics; every hook must be cheap and must not throw. */
export interface HttpMetricsHooks {
  readonly observeRequest: (sample: RequestSample) => void;
  /** A rate limit refused a request (`limiter` is its name: `api`, `auth`). */
  readonly rateLimited: (limiter: string) => void;
  /** Serves `GET /metrics` on this app; absent when the metrics have a port of their own. */
  readonly scrape?: (() => Promise<MetricsExposition>) | undefined;
}

export const METRICS_PATH = '/metrics';

/**
 * Hands every request to `observe` once its response is over (sent, or cut
 * off by the client), with its route template and duration. Requests for
 * `skipPath` (the scrapes) are not API traffic and are not counted.
 */
export function requestMetrics(observe: (sample: RequestSample) => void, skipPath?: string): RequestHandler {
  const skipWithQuery = skipPath === undefined ? undefined : `${skipPath}?`;
  return (req, res, next) => {
    const { url } = req;
    if (skipPath !== undefined && (url === skipPath || url.startsWith(skipWithQuery!))) {
      next();
      return;
    }
    const startedAt = performance.now();
    res.once('close', () => {
      observe({
        method: req.method,
        route: routeTemplate(req),
        // A stream the client left had its status sent; a request left before any answer has none.
        status: res.headersSent ? res.statusCode : undefined,
        durationMs: performance.now() - startedAt,
        channel: releaseChannelOf(res),
      });
    });
    next();
  };
}

/** `GET /metrics`: the Prometheus text exposition. Public, outside /v1, never rate limited. */
export function metricsEndpoint(scrape: () => Promise<MetricsExposition>): RequestHandler {
  return async (_req, res, next) => {
    let page: MetricsExposition;
    try {
      page = await scrape();
    } catch (error) {
      next(error);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type(page.contentType).send(page.body);
  };
}

/** `GET /metrics` where they are not served: on a port of their own, or off. */
export function metricsNotHere(): RequestHandler {
  return (req, res) => {
    sendProblem(req, res, { status: 404, code: 'ROUTE_NOT_FOUND', title: 'No such route', detail: 'Metrics are not served on this port.' });
  };
}
