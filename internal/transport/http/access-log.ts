import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../platform/logger/logger.ts';

/** The route template (never raw ids) a request matched, for logs and metrics. */
export function routeTemplate(req: IncomingMessage): string {
  const { baseUrl } = req as Request;
  const route = (req as Request).route as { path?: unknown } | undefined;
  return route ? `${baseUrl}${String(route.path)}` : 'unmatched';
}

function lineOf(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  return {
    method: req.method,
    route: routeTemplate(req),
    status: res.statusCode,
    duration_ms: durationMs,
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
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { duration_ms: number }) => lineOf(req, res, value.duration_ms),
    customErrorObject: (req, res, err, value: { duration_ms: number }) => ({ ...lineOf(req, res, value.duration_ms), err }),
  });
  return (req, res, next) => {
    middleware(req, res, () => {
      req.ctx = { ...req.ctx, log: req.log };
      next();
    });
  };
}
