import type {
  Authorization,
  AuthorizationRequest,
  AuthorizationResult,
  AuthorizationState,
  PaymentGateway,
} from '../../domain/payment/payment-gateway.ts';
import { PaymentNotSentError, PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import { Bulkhead, BulkheadRejectedError } from '../../platform/resilience/bulkhead.ts';
import { CircuitBreaker, CircuitOpenError, type BreakerState } from '../../platform/resilience/circuit-breaker.ts';
import { RateLimiter } from '../../platform/resilience/rate-limiter.ts';
import { retry, type RetryAttempt, type RetryDecision } from '../../platform/resilience/retry.ts';
import { GatewayHttpClient, type GatewayRequest, type GatewayResponse } from './gateway-http-client.ts';
import { errorCodeOf, parseAuthorization, parseFirstListed, toAuthorization, toAuthorizationResult } from './gateway-wire.ts';
import { resolveGatewayOptions, type HttpPaymentGatewayOptions, type PaymentGatewayEvents, type ResolvedGatewayOptions } from './http-payment-gateway.options.ts';
import {
  GatewayBusyError,
  GatewayInvalidStateError,
  GatewayRequestError,
  GatewayTransportError,
  type GatewayOperation,
} from './payment-gateway.errors.ts';

type Transition = 'capture' | 'void' | 'refund';

/** States in which a transition has nothing (more) to do: repeating it is a no-op. */
const DONE_IN: Record<Transition, readonly AuthorizationState[]> = {
  capture: ['captured'],
  // A declined authorization holds no funds: there is nothing to release.
  void: ['voided', 'declined'],
  refund: ['refunded'],
};

// A local rate-limit wait shorter than this is scheduling noise (Bottleneck takes a few ms per job), not a limit.
const RATE_LIMITED_AFTER_MS = 25;

/** The caller's signal aborted while the call was under way; `reason` is what the caller gets. */
class CallerGaveUpError extends Error {
  readonly reason: unknown;
  /** Whether the gateway still owed an answer at that moment (a slow gateway, as far as we know). */
  readonly waitingForGateway: boolean;

  constructor(reason: unknown, waitingForGateway: boolean) {
    super('the caller gave up');
    this.reason = reason;
    this.waitingForGateway = waitingForGateway;
  }
}

/**
 * `PaymentGateway` over the gateway's HTTP API, behind the resilience layers
 * the architecture asks for, outermost first: a bulkhead (bounded concurrency
 * and queue), a circuit breaker, retries with backoff under a time budget,
 * and per attempt a rate limit and a timeout. Every retry of an authorization
 * sends the same `Idempotency-Key`, so the gateway authorizes at most once.
 */
export class HttpPaymentGateway implements PaymentGateway {
  readonly #options: ResolvedGatewayOptions;
  readonly #http: GatewayHttpClient;
  readonly #bulkhead: Bulkhead;
  /** Settling calls (void, refund, lookups) have a share of their own: they never queue behind new authorizations. */
  readonly #settleBulkhead: Bulkhead;
  readonly #breaker: CircuitBreaker;
  readonly #limiter: RateLimiter | undefined;
  #closed = false;

  constructor(options: HttpPaymentGatewayOptions) {
    const o = resolveGatewayOptions(options);
    this.#options = o;
    this.#http = new GatewayHttpClient({ baseUrl: o.baseUrl, connections: o.pool.connections, keepAliveTimeoutMs: o.pool.keepAliveTimeoutMs });
    this.#bulkhead = new Bulkhead({ maxConcurrent: o.bulkhead.maxConcurrent, maxQueue: o.bulkhead.maxQueue });
    this.#settleBulkhead = new Bulkhead({ maxConcurrent: o.bulkhead.settleConcurrent, maxQueue: o.bulkhead.settleQueue });
    this.#breaker = new CircuitBreaker({
      name: 'payment-gateway',
      ...o.breaker,
      isFailure: (error, state) => isGatewayFailure(error, state),
      onStateChange: ({ from, to }) => {
        const level = to === 'open' ? 'warn' : 'info';
        o.log[level]({ breaker: 'payment-gateway', from, to }, `payment gateway circuit breaker ${to.replace('_', '-')}`);
        this.#emit('onBreakerStateChange', { from, to });
      },
    });
    try {
      this.#limiter = o.rateLimit === false ? undefined : new RateLimiter({ ...o.rateLimit, onError: this.#limiterProblem() });
    } catch (error) {
      this.#breaker.shutdown();
      throw error;
    }
  }

  async authorize(ctx: Context, request: AuthorizationRequest): Promise<AuthorizationResult> {
    const response = await this.#call(ctx, 'authorize', {
      method: 'POST',
      path: '/v1/authorizations',
      template: '/v1/authorizations',
      idempotencyKey: request.idempotencyKey,
      body: { amount: request.amount.amountMinor, currency: request.amount.currency, card_token: request.cardToken },
    });
    if (response.status === 200 || response.status === 201) {
      return toAuthorizationResult(parseAuthorization('authorize', response.status, response.body));
    }
    // The gateway does not know the card at all: a decline like any other for the customer, with nothing authorized.
    if (response.status === 400 && errorCodeOf(response.body) === 'invalid_card_token') {
      return { outcome: 'declined', authorizationId: undefined, declineCode: 'invalid_card' };
    }
    if (response.status === 422) {
      throw new GatewayRequestError('authorize', 422, errorCodeOf(response.body), `idempotency key ${request.idempotencyKey} was already used for another amount or card`);
    }
    throw unexpected('authorize', response);
  }

  capture(ctx: Context, authorizationId: string): Promise<void> {
    return this.#transition(ctx, authorizationId, 'capture');
  }

  void(ctx: Context, authorizationId: string): Promise<void> {
    return this.#transition(ctx, authorizationId, 'void');
  }

  refund(ctx: Context, authorizationId: string): Promise<void> {
    return this.#transition(ctx, authorizationId, 'refund');
  }

  async findByIdempotencyKey(ctx: Context, idempotencyKey: string): Promise<Authorization | undefined> {
    const response = await this.#call(ctx, 'find', {
      method: 'GET',
      path: `/v1/authorizations?idempotency_key=${encodeURIComponent(idempotencyKey)}`,
      template: '/v1/authorizations',
    });
    if (response.status !== 200) throw unexpected('find', response);
    const found = parseFirstListed('find', response.status, response.body);
    return found && toAuthorization(found);
  }

  /** For gauges: the breaker's state and the bulkhead's occupation. */
  stats(): { readonly breaker: BreakerState; readonly running: number; readonly queued: number } {
    return { breaker: this.#breaker.state, running: this.#bulkhead.running + this.#settleBulkhead.running, queued: this.#bulkhead.queued + this.#settleBulkhead.queued };
  }

  /** Lets calls in flight end, then closes the connections, the breaker's timers and the limiter. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#breaker.shutdown();
    await Promise.all([this.#limiter?.stop(), this.#http.close()]);
  }

  async #transition(ctx: Context, authorizationId: string, operation: Transition): Promise<void> {
    const response = await this.#call(ctx, operation, {
      method: 'POST',
      path: `/v1/authorizations/${encodeURIComponent(authorizationId)}/${operation}`,
      template: `/v1/authorizations/{id}/${operation}`,
    });
    if (response.status === 200) return;
    if (response.status === 409) {
      // The answer does not say which state blocked it; ask, then decide whether that is already done.
      const state = await this.#stateOf(ctx, authorizationId);
      if (DONE_IN[operation].includes(state)) return;
      throw new GatewayInvalidStateError(authorizationId, operation, state);
    }
    throw unexpected(operation, response, authorizationId);
  }

  async #stateOf(ctx: Context, authorizationId: string): Promise<AuthorizationState> {
    const response = await this.#call(ctx, 'get', { method: 'GET', path: `/v1/authorizations/${encodeURIComponent(authorizationId)}`, template: '/v1/authorizations/{id}' });
    if (response.status !== 200) throw unexpected('get', response, authorizationId);
    return parseAuthorization('get', response.status, response.body).status;
  }

  /**
   * One logical call through every layer. Resolves with the gateway's answer
   * unless it was "not now" or none at all.
   * @throws PaymentUnavailableError when no answer could be had
   * @throws the caller's `ctx.signal.reason` once it aborts
   */
  async #call(ctx: Context, operation: GatewayOperation, request: GatewayRequest): Promise<GatewayResponse> {
    if (this.#closed) throw new PaymentNotSentError('the gateway client is shut down');
    ctx.signal.throwIfAborted();
    // Fail fast before queueing in the bulkhead: an open breaker needs no slot.
    const open = this.#breaker.rejection();
    if (open) throw new PaymentNotSentError('circuit open', { cause: open, retryAfterMs: open.retryAfterMs });
    try {
      const attempt = () => this.#withRetries(ctx, operation, request);
      // Reads (lookups after a failed write, recovery) succeed while writes
      // fail when only the write endpoint is broken; counted, they would keep
      // the failure share low and the breaker closed. They still fail fast
      // while it is open.
      const bulkhead = SETTLING.has(operation) ? this.#settleBulkhead : this.#bulkhead;
      return await bulkhead.run(() => (COUNTED_BY_BREAKER.has(operation) ? this.#breaker.execute(attempt) : attempt()), ctx.signal);
    } catch (error) {
      throw this.#toCallerError(ctx, operation, error);
    }
  }

  async #withRetries(ctx: Context, operation: GatewayOperation, request: GatewayRequest): Promise<GatewayResponse> {
    const { retry: policy } = this.#options;
    const progress = { abortedInFlight: false };
    try {
      return await retry((attempt) => this.#attempt(ctx, operation, request, attempt, progress), {
        maxAttempts: policy.maxAttempts,
        backoff: { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs },
        maxElapsedMs: policy.maxRetryTimeMs,
        minAttemptMs: Math.min(100, this.#options.attemptTimeoutMs),
        signal: ctx.signal,
        classify: retryDecision,
        onRetry: ({ attempt, delayMs, error }) => {
          const reason = error instanceof Error ? error.message : String(error);
          ctx.log.debug({ operation, attempt, delayMs, reason }, 'payment gateway call failed; retrying');
          this.#emit('onRetry', { operation, attempt, delayMs, reason });
        },
      });
    } catch (error) {
      if (ctx.signal.aborted) throw new CallerGaveUpError(ctx.signal.reason, progress.abortedInFlight);
      throw error;
    }
  }

  async #attempt(
    ctx: Context,
    operation: GatewayOperation,
    request: GatewayRequest,
    { remainingMs }: RetryAttempt,
    progress: { abortedInFlight: boolean },
  ): Promise<GatewayResponse> {
    const startedAt = performance.now();
    if (this.#limiter) {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(1, Math.ceil(remainingMs)))]);
      const waitedMs = await this.#limiter.acquire(signal, { urgent: SETTLING.has(operation) }).catch((error: unknown) => {
        if (ctx.signal.aborted) throw error;
        const reason = this.#closed ? 'the gateway client is shut down' : 'no rate-limit slot within the time budget';
        throw new PaymentUnavailableError(reason, { cause: error });
      });
      if (waitedMs >= RATE_LIMITED_AFTER_MS) this.#emit('onRateLimited', { operation, source: 'local', waitedMs });
    }
    // AbortSignal.timeout takes whole milliseconds only.
    const timeoutMs = Math.max(1, Math.ceil(Math.min(this.#options.attemptTimeoutMs, remainingMs - (performance.now() - startedAt))));
    try {
      return await this.#http.send(request, AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]), ctx.traceId);
    } catch (error) {
      if (ctx.signal.aborted) progress.abortedInFlight = true;
      else if (error instanceof GatewayBusyError && error.status === 429) {
        this.#emit('onRateLimited', { operation, source: 'gateway', waitedMs: error.retryAfterMs ?? 0 });
      }
      throw error;
    }
  }

  #toCallerError(ctx: Context, operation: GatewayOperation, error: unknown): unknown {
    if (error instanceof CallerGaveUpError) return error.reason;
    if (ctx.signal.aborted && error === ctx.signal.reason) return error;
    if (error instanceof CircuitOpenError) return new PaymentNotSentError('circuit open', { cause: error, retryAfterMs: error.retryAfterMs });
    if (error instanceof BulkheadRejectedError) {
      this.#emit('onBulkheadReject', { operation, running: error.running, queued: error.queued });
      return new PaymentNotSentError('bulkhead full', { cause: error });
    }
    if (error instanceof GatewayBusyError) {
      const reason = error.status === 429 ? 'rate limited by the gateway' : `the gateway answered ${error.status}`;
      return new PaymentUnavailableError(reason, { cause: error, retryAfterMs: error.retryAfterMs });
    }
    if (error instanceof GatewayTransportError && error.notSent) {
      return new PaymentNotSentError('the gateway refused the connection', { cause: error });
    }
    if (error instanceof GatewayTransportError && (error.retryable || this.#closed)) {
      const reason = this.#closed ? 'the gateway client is shut down' : error.timedOut ? 'no answer in time' : 'connection failed';
      return new PaymentUnavailableError(reason, { cause: error });
    }
    return error;
  }

  /** Logs Redis trouble of the shared limiter, once per 30 s at most (a Redis that is down reports every reconnect). */
  #limiterProblem(): (error: unknown) => void {
    let lastWarnedAt = Number.NEGATIVE_INFINITY;
    return (error) => {
      if (performance.now() - lastWarnedAt < 30_000) return;
      lastWarnedAt = performance.now();
      this.#options.log.warn({ err: error }, 'payment gateway rate limiter: Redis trouble; limiting per process until it is back');
    };
  }

  #emit<K extends keyof PaymentGatewayEvents>(name: K, event: Parameters<NonNullable<PaymentGatewayEvents[K]>>[0]): void {
    const handler = this.#options.events[name] as ((event: unknown) => void) | undefined;
    try {
      handler?.(event);
    } catch (error) {
      this.#options.log.error({ err: error, event: name }, 'payment gateway event handler failed');
    }
  }
}

/** Calls that settle what was already done (undo it, or learn what it was): their own bulkhead, first in the rate limit. */
const SETTLING: ReadonlySet<GatewayOperation> = new Set<GatewayOperation>(['void', 'refund', 'get', 'find']);

const COUNTED_BY_BREAKER: ReadonlySet<GatewayOperation> = new Set<GatewayOperation>(['authorize', 'capture', 'void', 'refund']);

function retryDecision(error: unknown): RetryDecision {
  if (error instanceof GatewayBusyError) return { retry: true, retryAfterMs: error.retryAfterMs };
  if (error instanceof GatewayTransportError) return { retry: error.retryable };
  return { retry: false };
}

/**
 * What the breaker counts against the gateway: no answer, or a 5xx. A 429 is
 * the gateway pacing us (the limiter and Retry-After deal with it); a caller
 * that gave up counts only if the gateway was keeping it waiting, or when it
 * was the half-open probe (no proof of health, so stay open).
 */
function isGatewayFailure(error: unknown, state: BreakerState): boolean {
  if (error instanceof CallerGaveUpError) return state === 'half_open' || error.waitingForGateway;
  if (error instanceof GatewayTransportError) return true;
  if (error instanceof GatewayBusyError) return error.status >= 500;
  return false;
}

function unexpected(operation: GatewayOperation, response: GatewayResponse, authorizationId?: string): GatewayRequestError {
  const subject = authorizationId === undefined ? 'unexpected answer' : `unexpected answer for authorization ${authorizationId}`;
  return new GatewayRequestError(operation, response.status, errorCodeOf(response.body), subject);
}
