import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { sendProblem } from './problem.ts';

export interface RateLimitSettings {
  readonly name: string;
  readonly windowMs: number;
  /** Requests per window; a function is asked on every request (the limit may change while running). */
  readonly limit: number | (() => number);
  /** Shared counters (Redis) so the limit holds across replicas; in-process otherwise. */
  readonly store?: Store;
  /** Count per caller (the user when signed in) or per client address only. */
  readonly per: 'caller' | 'address';
  /** Told of every refused request (for metrics); must not throw. */
  readonly onLimited?: ((name: string) => void) | undefined;
}

/** 429 problem+json with `Retry-After` and the IETF `RateLimit` / `RateLimit-Policy` headers. */
export function rateLimiter(settings: RateLimitSettings): RequestHandler {
  const limit = typeof settings.limit === 'number' ? () => settings.limit as number : settings.limit;
  return rateLimit({
    windowMs: settings.windowMs,
    limit: () => limit(),
    identifier: settings.name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // A limiter whose store is down must not take the API down with it.
    passOnStoreError: true,
    ...(settings.store ? { store: settings.store } : {}),
    keyGenerator: (req) => {
      const address = ipKeyGenerator(req.ip ?? 'unknown');
      const userId = req.ctx.principal?.userId;
      return settings.per === 'caller' && userId ? `user:${userId}` : `ip:${address}`;
    },
    handler: (req, res) => {
      settings.onLimited?.(settings.name);
      sendProblem(req, res, {
        status: 429,
        code: 'RATE_LIMITED',
        title: 'Too many requests',
        detail: `Limit of ${limit()} requests per ${Math.round(settings.windowMs / 1000)} s reached; retry after Retry-After seconds.`,
      });
    },
  });
}
