import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Helmet's defaults for an API that serves JSON only, and CORS for the configured origins (asked per request: they may change while running). */
export function securityHeaders(corsOrigins: () => readonly string[]): RequestHandler[] {
  // An API serves no documents: nothing may load, frame or be framed.
  const handlers: RequestHandler[] = [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
    }),
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
