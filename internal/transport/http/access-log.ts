import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../platform/logger/logger.ts';

/** The route template (never raw ids) a request matched, for logs and metrics. */
export function routeTemplate(req: IncomingMessage): string {
  const { baseUrl, openapi } = req as Request & { openapi?: { expressRoute?: string; openApiRoute?: string } };
  const route = (req as Request).route as { path?: unknown } | undefined;
  if (route) return `${baseUrl}${String(route.path)}`;
  // Rejected by validation before reaching a handler: the contract's template, written as a route's (`:id`, not `{id}`).
  return openapi?.expressRoute ?? openapi?.openApiRoute ?? 'unmatched';
}

function lineOf(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const cache = res.getHeader('x-cache');
  return {
    method: req.method,
    route: routeTemplate(req),
    status: res.statusCode,
    duration_ms: durationMs,
    ...(cache === undefined ? {} : { cache }),
    ...(res.getHeader('x-served-stale') ? { stale: true } : {}),
  };
}

/** One line per request with method, route template, status, duration and trace id. */
export function accessLog(logger: Logger): RequestHandler {
  const middleware = pinoHttp({
    logger,
    genReqId: (req) => (req as Request).traceId,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'trace_id', responseTime: 'duration_ms' },
    customLogLevel: (_req, res, err) => (err || res.err || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { duration_ms: number }) => lineOf(req, res, value.duration_ms),
    // pino-http invents an Error for every 5xx; only a real one (set by the error handler) is worth its stack.
    customErrorObject: (req, res, _err, value: { duration_ms: number }) => ({ ...lineOf(req, res, value.duration_ms), ...(res.err ? { err: res.err } : {}) }),
  });
  return (req, res, next) => {
    middleware(req, res, () => {
      req.ctx = { ...req.ctx, log: req.log };
      next();
    });
  };
}
