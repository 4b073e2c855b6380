import { isIP } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';
import { Status, type ServerMiddleware } from 'nice-grpc';
import { RichServerError, ErrorInfo } from 'nice-grpc-error-details';
import type { RpcContextExt } from './call-context.ts';
import { ERROR_DOMAIN, retryInfo } from './status-map.ts';

/** The counters REST's limiter uses (express-rate-limit's Store), so a caller has one budget across transports. */
export interface HitCounter {
  increment(key: string): Promise<{ totalHits: number; resetTime?: Date | undefined }> | { totalHits: number; resetTime?: Date | undefined };
}

export interface RpcRateLimit {
  readonly name: string;
  readonly windowMs: number;
  /** A number, or a reader of the current one (hot reload). */
  readonly limit: number | (() => number);
  readonly store: HitCounter;
  /** Count per caller (the user when signed in) or per client address only, with REST's keys. */
  readonly per: 'caller' | 'address';
  /** Only these methods (`/pkg.Service/Method`); every call when absent. */
  readonly methods?: ReadonlySet<string> | undefined;
  readonly onLimited?: ((name: string) => void) | undefined;
}

/** RESOURCE_EXHAUSTED with RetryInfo once the caller's window is spent; a failing store lets calls through, as REST's does. */
export function rateLimit(settings: RpcRateLimit): ServerMiddleware<RpcContextExt, RpcContextExt> {
  return async function* (call, context) {
    if (!settings.methods || settings.methods.has(call.method.path)) {
      const userId = context.ctx.principal?.userId;
      const key = settings.per === 'caller' && userId ? `user:${userId}` : `ip:${ipKeyGenerator(addressOf(context.peer))}`;
      let hit: { totalHits: number; resetTime?: Date | undefined } | undefined;
      try {
        hit = await settings.store.increment(key);
      } catch (error) {
        context.ctx.log.warn({ error: error instanceof Error ? error.message : String(error), limiter: settings.name }, 'rate limit not counted: its store failed');
      }
      const limit = typeof settings.limit === 'number' ? settings.limit : settings.limit();
      if (hit && hit.totalHits > limit) {
        settings.onLimited?.(settings.name);
        const retryAfterMs = hit.resetTime ? Math.max(0, hit.resetTime.getTime() - Date.now()) : settings.windowMs;
        throw new RichServerError(Status.RESOURCE_EXHAUSTED, `limit of ${limit} calls per ${Math.round(settings.windowMs / 1000)} s reached; retry after the RetryInfo delay`, [
          ErrorInfo.fromPartial({ reason: 'RATE_LIMITED', domain: ERROR_DOMAIN, metadata: { limiter: settings.name } }),
          retryInfo(retryAfterMs),
        ]);
      }
    }
    return yield* call.next(call.request, context);
  };
}

// grpc-js names peers `ipv4:1.2.3.4:5678` / `ipv6:[::1]:5678` or `1.2.3.4:5678`.
function addressOf(peer: string): string {
  const withoutScheme = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(withoutScheme)?.[1];
  const address = bracketed ?? withoutScheme.replace(/:\d+$/, '');
  return isIP(address) ? address : 'unknown';
}
