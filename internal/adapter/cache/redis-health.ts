import type { ContextLogger } from '../../domain/shared/context.ts';

/**
 * Tracks whether Redis answers, for one cache: counts failures, logs at most
 * one warning per interval however many calls fail, and reports the moment
 * Redis answers again.
 */
export class RedisHealth {
  readonly #log: ContextLogger;
  readonly #cache: string;
  readonly #warnIntervalMs: number;
  #degraded = false;
  #nextWarnAt = 0;
  #suppressed = 0;
  #errors = 0;

  constructor(log: ContextLogger, cache: string, warnIntervalMs: number) {
    this.#log = log;
    this.#cache = cache;
    this.#warnIntervalMs = warnIntervalMs;
  }

  get errors(): number {
    return this.#errors;
  }

  get degraded(): boolean {
    return this.#degraded;
  }

  failed(error: unknown): void {
    this.#errors += 1;
    this.#degraded = true;
    const now = Date.now();
    if (now < this.#nextWarnAt) {
      this.#suppressed += 1;
      return;
    }
    this.#log.warn(
      { err: error, cache: this.#cache, suppressedSinceLastWarning: this.#suppressed },
      'redis unavailable: cache reads go to the source, invalidations rely on the local ttl',
    );
    this.#nextWarnAt = now + this.#warnIntervalMs;
    this.#suppressed = 0;
  }

  /** Returns true when this success ends a period of failures. */
  succeeded(): boolean {
    if (!this.#degraded) return false;
    this.#degraded = false;
    this.#log.info({ cache: this.#cache, errors: this.#errors }, 'redis answers again: cache recovered');
    return true;
  }
}
