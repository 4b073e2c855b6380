import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Helmet's defaults for an API that serves JSON only, and CORS for the configured origins (asked per request: they may change while running). */
export function securityHeaders(corsOrigins: () => readonly string[]): RequestHandler[] {
  const headers = helmetHeaders();
  // Helmet's headers do not depend on the request: computed once, written as a block.
  const handlers: RequestHandler[] = [
    (_req, res, next) => {
      for (const [name, value] of headers) res.setHeader(name, value);
      next();
    },
  ];
  handlers.push(
    cors({
      // Read per request, answered as the static option would be: none listed is no CORS at all,
      // a list is matched (with `Vary: Origin`).
      origin: (_origin, callback) => {
        const origins = corsOrigins();
        callback(null, origins.length > 0 ? [...origins] : false);
      },
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id', 'traceparent'],
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Cache', 'X-Served-Stale'],
      maxAge: 600,
    }),
  );
  return handlers;
}

/** The headers helmet sets, taken from one run of it against a response that records them. */
export function helmetHeaders(): readonly (readonly [string, string])[] {
  // An API serves no documents: nothing may load, frame or be framed.
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  const recorded = new Map<string, string>();
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recorded.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      return response;
    },
    removeHeader(name: string) {
      recorded.delete(name);
    },
  };
  let called = false;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => (called = true));
  if (!called) throw new Error('helmet did not finish synchronously: its headers cannot be precomputed');
  return [...recorded];
}
