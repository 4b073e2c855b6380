import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../platform/logger/logger.ts';
import type { HttpServerTracing } from '../../platform/tracing/http-server-spans.ts';
import { routeTemplate } from './access-log.ts';

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const ZERO_TRACE = '0'.repeat(32);

/** W3C `traceparent` first, then `X-Request-Id`, else a fresh W3C-shaped id. */
export function traceIdOf(traceparent: string | undefined, requestId: string | undefined): string {
  const fromParent = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase())?.[1] : undefined;
  if (fromParent && fromParent !== ZERO_TRACE) return fromParent;
  if (requestId && REQUEST_ID.test(requestId)) return requestId;
  // 122 random bits in W3C shape; randomUUID draws from a pooled buffer (randomBytes per request cost ~2% of a cached read).
  return randomUUID().replaceAll('-', '');
}

/**
 * Gives each request its trace id (echoed as `X-Request-Id`) and a deadline:
 * `ctx.signal` aborts when the client goes away or the budget runs out.
 * `ctx.log` is bound later by the access log, once the per-request child exists.
 * With `tracing`, the request runs in a server span and its trace id is the
 * span's (the caller's, from `traceparent`, or a new one).
 */
export function requestContext(budgetMs: number, logger: Logger, tracing?: HttpServerTracing): RequestHandler {
  return (req, res, next) => {
    const span = tracing?.start(req.method, req.path, req.headers);
    const traceId = span?.traceId ?? traceIdOf(req.header('traceparent'), req.header('x-request-id'));
    res.setHeader('X-Request-Id', traceId);

    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new DeadlineExceededError(budgetMs)), budgetMs);
    res.once('close', () => {
      clearTimeout(deadline);
      if (!res.writableFinished) controller.abort(new ClientClosedError());
    });

    req.traceId = traceId;
    req.ctx = { traceId, signal: controller.signal, log: logger };
    if (!span) return next();
    res.once('close', () => {
      span.end({ route: routeTemplate(req), status: res.statusCode, error: res.err, completed: res.writableFinished });
    });
    span.run(req, res, next);
  };
}

export class DeadlineExceededError extends Error {
  constructor(budgetMs: number) {
    super(`the request did not complete within its ${budgetMs} ms budget`);
    this.name = 'DeadlineExceededError';
  }
}

export class ClientClosedError extends Error {
  constructor() {
    super('the client closed the connection before the response');
    this.name = 'ClientClosedError';
  }
}
