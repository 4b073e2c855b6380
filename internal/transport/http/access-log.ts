import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../platform/logger/logger.ts';

/** The route template (never raw ids) a request matched, for logs and metrics. */
export function routeTemplate(req: IncomingMessage): string {
  const { baseUrl, openapi } = req as Request & { openapi?: { expressRoute?: string; openApiRoute?: string } };
  // The contract's template, written as a route's (`:id`, not `{id}`): known from validation on, even when the
  // request was rejected before a handler, or failed after its router was left (which restores `baseUrl`).
  if (openapi?.expressRoute) return openapi.expressRoute;
  const route = (req as Request).route as { path?: unknown } | undefined;
  // Outside the contract: the matched route; a router's own root ('/') is the path it is mounted at.
  if (route) return route.path === '/' && baseUrl ? baseUrl : `${baseUrl}${String(route.path)}`;
  return openapi?.openApiRoute ?? 'unmatched';
}

/** The release channel that served the request (set by the release routing), if one was chosen. */
export function releaseChannelOf(res: ServerResponse): string | undefined {
  const channel: unknown = (res as Response).locals?.releaseChannel;
  return typeof channel === 'string' ? channel : undefined;
}

function lineOf(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const cache = res.getHeader('x-cache');
  const channel = releaseChannelOf(res);
  return {
    method: req.method,
    route: routeTemplate(req),
    status: res.statusCode,
    duration_ms: durationMs,
    ...(cache === undefined ? {} : { cache }),
    ...(channel === undefined ? {} : { channel }),
    ...(res.getHeader('x-served-stale') ? { stale: true } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

function levelOf(res: ServerResponse): 'error' | 'warn' | 'info' {
  if (res.err || (res.statusCode >= 500 && res.statusCode !== 503)) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One line per request with method, route template, status, duration and
 * trace id, written when the response is over (or the client went away:
 * `aborted`). Gives the request its child logger (`ctx.log`, bound to the
 * trace id). Lean on purpose: it runs for every request (pino-http built two
 * child loggers and serialized the request for each, ~7% of a cached read).
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    const log = logger.child({ trace_id: req.traceId });
    req.ctx = { ...req.ctx, log };
    res.once('close', () => {
      const level = levelOf(res);
      if (!log.isLevelEnabled(level)) return;
      const line = lineOf(req, res, Math.round(performance.now() - startedAt));
      // Only a real error (set by the error handler) is worth its stack.
      if (level === 'info') log.info(line, 'request completed');
      else log[level](res.err ? { ...line, err: res.err } : line, res.statusCode >= 500 || res.err ? 'request failed' : 'request completed');
    });
    next();
  };
}
