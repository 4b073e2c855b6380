import type { Redis } from 'ioredis';
import type { ContextLogger } from '../../domain/shared/context.ts';
import type { BreakerState } from '../../platform/resilience/circuit-breaker.ts';
import type { GatewayOperation } from './payment-gateway.errors.ts';

/** Hooks for metrics; each is called synchronously and must not throw (a throw is logged and ignored). */
export interface PaymentGatewayEvents {
  /** An attempt failed and another follows after `delayMs`. */
  readonly onRetry?: (event: { readonly operation: GatewayOperation; readonly attempt: number; readonly delayMs: number; readonly reason: string }) => void;
  readonly onBreakerStateChange?: (event: { readonly from: BreakerState; readonly to: BreakerState }) => void;
  /** A call was turned away because every slot and queue place was taken. */
  readonly onBulkheadReject?: (event: { readonly operation: GatewayOperation; readonly running: number; readonly queued: number }) => void;
  /**
   * A request was held back: by our own limiter (`source: 'local'`, when it
   * waited 25 ms or more) or by the gateway's 429 (`source: 'gateway'`, with
   * what its Retry-After asked for).
   */
  readonly onRateLimited?: (event: { readonly operation: GatewayOperation; readonly source: 'local' | 'gateway'; readonly waitedMs: number }) => void;
}

export interface HttpPaymentGatewayOptions {
  /** The gateway's API root, e.g. `https://gateway.example` (paths `/v1/...` are appended). */
  readonly baseUrl: string;
  /** Breaker transitions and limiter problems go here. Default: silent. */
  readonly log?: ContextLogger | undefined;
  readonly events?: PaymentGatewayEvents | undefined;
  /** Longest wait for one attempt's answer. Default 2 000 ms. */
  readonly attemptTimeoutMs?: number | undefined;
  readonly pool?: {
    /** Kept-alive connections at most. Default: `bulkhead.maxConcurrent + bulkhead.settleConcurrent` (40). */
    readonly connections?: number | undefined;
    /** Idle kept-alive sockets close after this; keep it below the gateway's own. Default 4 000 ms. */
    readonly keepAliveTimeoutMs?: number | undefined;
  };
  readonly retry?: {
    /** Attempts per call, the first included. Default 3. */
    readonly maxAttempts?: number | undefined;
    /** Backoff ceiling of the first retry, doubled per retry (full jitter). Default 50 ms. */
    readonly baseDelayMs?: number | undefined;
    /** Backoff ceiling at most. Default 1 000 ms. */
    readonly maxDelayMs?: number | undefined;
    /**
     * Longest time one call spends on attempts and waits (rate-limit and
     * backoff waits included); attempts are cut short to fit. Default 5 000 ms.
     * The caller's `ctx.signal` ends it sooner.
     */
    readonly maxRetryTimeMs?: number | undefined;
  };
  readonly breaker?: {
    /** Opens when more than this share of calls in the window failed. Default 50 (%). */
    readonly errorThresholdPercentage?: number | undefined;
    /** Calls in the window before it may open. Default 10. */
    readonly volumeThreshold?: number | undefined;
    /** Default 10 000 ms. */
    readonly rollingWindowMs?: number | undefined;
    /** Time open before a probe (half-open). Default 5 000 ms. */
    readonly resetTimeoutMs?: number | undefined;
  };
  readonly bulkhead?: {
    /** Calls in flight at most. Default 32. */
    readonly maxConcurrent?: number | undefined;
    /** Calls waiting for a slot at most; one more is rejected at once. Default 64. */
    readonly maxQueue?: number | undefined;
    /**
     * The share of settling calls (void, refund and the lookups that decide
     * them): a bulkhead of their own, so undoing never queues behind new
     * authorizations. Default: a quarter of `maxConcurrent` (at least 2) in
     * flight, twice `maxQueue` waiting.
     */
    readonly settleConcurrent?: number | undefined;
    readonly settleQueue?: number | undefined;
  };
  /** Requests towards the gateway (every attempt counts). `false` turns it off. */
  readonly rateLimit?:
    | false
    | {
        /** Default 200. */
        readonly maxRequests?: number | undefined;
        /** Default 1 000 ms (so 200 requests/s). */
        readonly intervalMs?: number | undefined;
        /** Least spacing between two requests. Default 0 (bursts up to the interval's quota). */
        readonly minTimeMs?: number | undefined;
        /** Shares the limit with every replica using the same `id` (leases from Redis, see RateLimiter). Default: local. */
        readonly redis?: Redis | undefined;
        /** Default `ordersvc:payment-gateway`. */
        readonly id?: string | undefined;
      };
}

export interface ResolvedGatewayOptions {
  readonly baseUrl: string;
  readonly log: ContextLogger;
  readonly events: PaymentGatewayEvents;
  readonly attemptTimeoutMs: number;
  readonly pool: { readonly connections: number; readonly keepAliveTimeoutMs: number };
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number; readonly maxRetryTimeMs: number };
  readonly breaker: { readonly errorThresholdPercentage: number; readonly volumeThreshold: number; readonly rollingWindowMs: number; readonly resetTimeoutMs: number };
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueue: number; readonly settleConcurrent: number; readonly settleQueue: number };
  readonly rateLimit:
    | false
    | { readonly maxRequests: number; readonly intervalMs: number; readonly minTimeMs: number; readonly redis: Redis | undefined; readonly id: string };
}

const PAYMENT_GATEWAY_DEFAULTS = {
  attemptTimeoutMs: 2_000,
  keepAliveTimeoutMs: 4_000,
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, maxRetryTimeMs: 5_000 },
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, rollingWindowMs: 10_000, resetTimeoutMs: 5_000 },
  bulkhead: { maxConcurrent: 32, maxQueue: 64 },
  rateLimit: { maxRequests: 200, intervalMs: 1_000, minTimeMs: 0, id: 'ordersvc:payment-gateway' },
} as const;

const silent: ContextLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function resolveGatewayOptions(options: HttpPaymentGatewayOptions): ResolvedGatewayOptions {
  const d = PAYMENT_GATEWAY_DEFAULTS;
  const maxConcurrent = options.bulkhead?.maxConcurrent ?? d.bulkhead.maxConcurrent;
  const maxQueue = options.bulkhead?.maxQueue ?? d.bulkhead.maxQueue;
  const bulkhead = {
    maxConcurrent,
    maxQueue,
    settleConcurrent: options.bulkhead?.settleConcurrent ?? Math.max(2, Math.ceil(maxConcurrent / 4)),
    settleQueue: options.bulkhead?.settleQueue ?? 2 * maxQueue,
  };
  const rateLimit = options.rateLimit;
  const resolved: ResolvedGatewayOptions = {
    baseUrl: options.baseUrl,
    log: options.log ?? silent,
    events: options.events ?? {},
    attemptTimeoutMs: options.attemptTimeoutMs ?? d.attemptTimeoutMs,
    pool: {
      // A connection for every call either bulkhead lets through: settling never waits for a socket behind authorizations.
      connections: options.pool?.connections ?? bulkhead.maxConcurrent + bulkhead.settleConcurrent,
      keepAliveTimeoutMs: options.pool?.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
    },
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? d.retry.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? d.retry.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? d.retry.maxDelayMs,
      maxRetryTimeMs: options.retry?.maxRetryTimeMs ?? d.retry.maxRetryTimeMs,
    },
    breaker: {
      errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? d.breaker.errorThresholdPercentage,
      volumeThreshold: options.breaker?.volumeThreshold ?? d.breaker.volumeThreshold,
      rollingWindowMs: options.breaker?.rollingWindowMs ?? d.breaker.rollingWindowMs,
      resetTimeoutMs: options.breaker?.resetTimeoutMs ?? d.breaker.resetTimeoutMs,
    },
    bulkhead,
    rateLimit:
      rateLimit === false
        ? false
        : {
            maxRequests: rateLimit?.maxRequests ?? d.rateLimit.maxRequests,
            intervalMs: rateLimit?.intervalMs ?? d.rateLimit.intervalMs,
            minTimeMs: rateLimit?.minTimeMs ?? d.rateLimit.minTimeMs,
            redis: rateLimit?.redis,
            id: rateLimit?.id ?? d.rateLimit.id,
          },
  };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedGatewayOptions): void {
  const positive = {
    attemptTimeoutMs: o.attemptTimeoutMs,
    'pool.connections': o.pool.connections,
    'pool.keepAliveTimeoutMs': o.pool.keepAliveTimeoutMs,
    'retry.maxAttempts': o.retry.maxAttempts,
    'retry.maxRetryTimeMs': o.retry.maxRetryTimeMs,
    'breaker.rollingWindowMs': o.breaker.rollingWindowMs,
    'breaker.resetTimeoutMs': o.breaker.resetTimeoutMs,
  };
  for (const [key, value] of Object.entries(positive)) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`HttpPaymentGateway: ${key} must be > 0`);
  }
  if (!Number.isSafeInteger(o.retry.maxAttempts)) throw new RangeError('HttpPaymentGateway: retry.maxAttempts must be an integer');
  if (!(o.retry.baseDelayMs >= 0 && o.retry.maxDelayMs >= o.retry.baseDelayMs)) {
    throw new RangeError('HttpPaymentGateway: retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }
  // The bulkhead, breaker and limiter check their own settings.
}
