import { sleep } from './abortable.ts';
import { fullJitterDelay, type BackoffPolicy } from './backoff.ts';

/** Whether a failure may pass on a new attempt, and how long the remote side asked us to wait. */
export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly retryAfterMs?: number | undefined };

export interface RetryAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Time left of `maxElapsedMs`; an attempt should not outlive it. */
  readonly remainingMs: number;
}

export interface RetryNotice {
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Longest time from the first attempt to giving up, waits included. */
  readonly maxElapsedMs: number;
  /** A retry is not started with less time than this left (it could not finish). Default 0. */
  readonly minAttemptMs?: number | undefined;
  /** The caller's deadline: aborts waits at once; its reason is what the caller gets. */
  readonly signal: AbortSignal;
  readonly classify: (error: unknown) => RetryDecision;
  readonly onRetry?: ((notice: RetryNotice) => void) | undefined;
  readonly random?: (() => number) | undefined;
  readonly now?: (() => number) | undefined;
}

/**
 * Runs `operation` until it succeeds, fails for good, or the attempts or the
 * time run out. Waits are full-jitter exponential, and at least what the
 * remote side asked for (`retryAfterMs`); a wait that would end past
 * `maxElapsedMs` is not taken. Gives up with the last error as is, or with
 * `signal.reason` once the signal aborts.
 */
export async function retry<T>(operation: (attempt: RetryAttempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const { signal, maxAttempts, maxElapsedMs } = options;
  const minAttemptMs = options.minAttemptMs ?? 0;
  const startedAt = now();

  for (let attempt = 1; ; attempt += 1) {
    signal.throwIfAborted();
    try {
      return await operation({ attempt, remainingMs: maxElapsedMs - (now() - startedAt) });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const decision = options.classify(error);
      if (!decision.retry || attempt >= maxAttempts) throw error;
      const delayMs = Math.max(fullJitterDelay(attempt - 1, options.backoff, options.random), decision.retryAfterMs ?? 0);
      if (now() - startedAt + delayMs + minAttemptMs > maxElapsedMs) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
