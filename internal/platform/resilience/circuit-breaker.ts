import { EventEmitter } from 'node:events';
import Opossum from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerStateChange {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
}

/** The breaker is open (or half-open with its one probe already out): nothing was called. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  /** When the breaker will let a probe through, at the earliest. */
  readonly retryAfterMs: number;

  constructor(breaker: string, retryAfterMs: number) {
    super(`circuit breaker ${breaker} is open`);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface CircuitBreakerOptions {
  /** For logs and metrics. */
  readonly name: string;
  /** Opens when the share of failures in the window goes above this percentage. */
  readonly errorThresholdPercentage: number;
  /** Fewer calls than this in the window never open it. */
  readonly volumeThreshold: number;
  /** The rolling window the failure share is measured over. */
  readonly rollingWindowMs: number;
  /** Buckets the window is divided into (its resolution). Default 10. */
  readonly rollingBuckets?: number | undefined;
  /** Time open before one probe call is let through (half-open). */
  readonly resetTimeoutMs: number;
  /**
   * Whether an error says the remote side is unhealthy. Errors that don't
   * (a rejected request, a caller that gave up) count as successes: the
   * remote side answered, or we learned nothing about it.
   */
  readonly isFailure: (error: unknown, state: BreakerState) => boolean;
  readonly onStateChange?: ((change: BreakerStateChange) => void) | undefined;
  readonly now?: (() => number) | undefined;
}

/**
 * A circuit breaker (opossum) for any async call: `execute(fn)` runs `fn`
 * unless the breaker is open, and counts its outcome. Unlike bare opossum it
 * forgets the failures that opened it once a probe closes it again, so a
 * single failure right after recovery does not reopen it.
 */
export class CircuitBreaker {
  readonly #name: string;
  readonly #resetTimeoutMs: number;
  readonly #now: () => number;
  readonly #breaker: Opossum<[() => Promise<unknown>], unknown>;
  // Rotates opossum's buckets; emitting it once per bucket empties the window.
  readonly #rotation = new EventEmitter();
  readonly #rotationTimer: NodeJS.Timeout;
  readonly #buckets: number;
  #state: BreakerState = 'closed';
  #openedAt = 0;

  constructor(options: CircuitBreakerOptions) {
    const buckets = options.rollingBuckets ?? 10;
    if (!(options.errorThresholdPercentage > 0 && options.errorThresholdPercentage < 100)) {
      throw new RangeError('CircuitBreaker: errorThresholdPercentage must be between 0 and 100');
    }
    for (const [key, value] of Object.entries({ volumeThreshold: options.volumeThreshold, rollingBuckets: buckets })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`CircuitBreaker: ${key} must be an integer >= 1`);
    }
    if (!(options.rollingWindowMs >= buckets) || !(options.resetTimeoutMs > 0)) {
      throw new RangeError('CircuitBreaker: rollingWindowMs must be >= rollingBuckets and resetTimeoutMs > 0');
    }
    this.#name = options.name;
    this.#resetTimeoutMs = options.resetTimeoutMs;
    this.#now = options.now ?? Date.now;
    this.#buckets = buckets;

    this.#breaker = new Opossum((fn: () => Promise<unknown>) => fn(), {
      name: options.name,
      // Timeouts are the caller's business (per attempt, with retries inside).
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: buckets,
      resetTimeout: options.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.#rotation,
      errorFilter: (error: unknown) => !options.isFailure(error, this.#state),
    });
    this.#rotationTimer = setInterval(() => this.#rotation.emit('rotate'), Math.floor(options.rollingWindowMs / buckets));
    this.#rotationTimer.unref();

    const transition = (to: BreakerState): void => {
      const from = this.#state;
      if (from === to) return;
      this.#state = to;
      if (to === 'open') this.#openedAt = this.#now();
      if (from === 'half_open' && to === 'closed') this.#forgetWindow();
      options.onStateChange?.({ name: this.#name, from, to });
    };
    this.#breaker.on('open', () => transition('open'));
    this.#breaker.on('halfOpen', () => transition('half_open'));
    this.#breaker.on('close', () => transition('closed'));
  }

  get name(): string {
    return this.#name;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** The error a call would fail fast with now, if the breaker is open; nothing is counted. */
  rejection(): CircuitOpenError | undefined {
    return this.#state === 'open' ? this.#openError() : undefined;
  }

  /** Runs `fn` through the breaker. @throws CircuitOpenError without calling `fn` when open */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      // The breaker's action just calls what it is given, so the result is fn's.
      return (await this.#breaker.fire(fn)) as T;
    } catch (error) {
      if (error instanceof Error && Opossum.isOurError(error)) throw this.#openError();
      throw error;
    }
  }

  /** Stops its timers; later calls fail with `CircuitOpenError`. */
  shutdown(): void {
    clearInterval(this.#rotationTimer);
    this.#breaker.shutdown();
  }

  #openError(): CircuitOpenError {
    const untilProbe = this.#openedAt + this.#resetTimeoutMs - this.#now();
    // Half-open with the probe out: if it fails, the breaker stays open for another reset timeout.
    return new CircuitOpenError(this.#name, this.#state === 'open' && untilProbe > 0 ? Math.ceil(untilProbe) : this.#resetTimeoutMs);
  }

  #forgetWindow(): void {
    for (let i = 0; i < this.#buckets; i += 1) this.#rotation.emit('rotate');
  }
}
