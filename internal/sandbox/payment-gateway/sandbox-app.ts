import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { adminRoutes, type RequestCounter } from './admin-routes.ts';
import { authorizationRoutes } from './authorization-routes.ts';
import { AuthorizationStore } from './authorization-store.ts';
import { faultMiddleware, HungRequests } from './fault-middleware.ts';
import { FaultInjector } from './faults.ts';
import { sendError } from './send-error.ts';

export interface SandboxAppOptions {
  /** The authorizations (restored from a journal by the caller); a fresh in-memory store by default. */
  readonly store?: AuthorizationStore;
  /** Beyond this many authorizations the oldest are forgotten. Default 200 000. */
  readonly maxAuthorizations?: number;
  /** Drives latency and fault rates; `Math.random` by default. */
  readonly random?: () => number;
  /**
   * When it aborts, hung requests and pending latency waits are dropped (their
   * sockets destroyed), so the server around the app can close at once.
   */
  readonly closeSignal?: AbortSignal;
  /** Told about unexpected errors (answered 500). */
  readonly onError?: (error: unknown) => void;
  /** Told about every `/v1` request as it arrives (tests check what a client sent, e.g. its `traceparent`). */
  readonly onApiRequest?: (request: { readonly method: string; readonly path: string; readonly traceparent: string | undefined }) => void;
}

/**
 * The sandbox payment gateway as an express app: the card-processor API under
 * `/v1` (where faults apply), the control plane under `/admin`, `/healthz`.
 */
export function createSandboxApp(options: SandboxAppOptions = {}): Express {
  const store = options.store ?? new AuthorizationStore({ maxAuthorizations: options.maxAuthorizations });
  const faults = new FaultInjector(options.random);
  const hung = new HungRequests(options.closeSignal);
  const counter: RequestCounter = { requests: 0 };
  // Lenient about Content-Type: a body is JSON whatever the client called it.
  const json = express.json({ type: () => true, limit: '64kb' });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(echoTraceparent);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/admin', json, adminRoutes(store, faults, hung, counter));
  app.use(
    '/v1',
    (req, _res, next) => {
      counter.requests += 1;
      options.onApiRequest?.({ method: req.method, path: req.originalUrl, traceparent: req.get('traceparent') });
      next();
    },
    faultMiddleware(faults, hung, options.closeSignal),
    json,
    authorizationRoutes(store, faults),
  );
  app.use((req, res) => {
    sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(options.onError));
  return app;
}

// Tracing tests check that the client propagates its trace context.
const echoTraceparent: RequestHandler = (req, res, next) => {
  const traceparent = req.get('traceparent');
  if (traceparent !== undefined) res.setHeader('X-Received-Traceparent', traceparent);
  next();
};

function errorHandler(onError: ((error: unknown) => void) | undefined): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, type } = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; type?: unknown };
    if (type === 'entity.parse.failed') return sendError(res, 400, 'invalid_request', 'the body is not valid JSON');
    if (type === 'entity.too.large') return sendError(res, 413, 'payload_too_large', 'the body is too large');
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, status, 'invalid_request', error instanceof Error ? error.message : 'invalid request');
    }
    onError?.(error);
    sendError(res, 500, 'internal_error', 'unexpected sandbox error');
  };
}
