/** The bulkhead had no free slot and no room left in its queue. */
export class BulkheadRejectedError extends Error {
  override readonly name = 'BulkheadRejectedError';
  readonly running: number;
  readonly queued: number;

  constructor(running: number, queued: number) {
    super(`bulkhead full: ${running} running, ${queued} queued`);
    this.running = running;
    this.queued = queued;
  }
}

export interface BulkheadOptions {
  /** Tasks that may run at once. */
  readonly maxConcurrent: number;
  /** Tasks that may wait for a slot; one more is rejected at once. 0 rejects whenever every slot is taken. */
  readonly maxQueue: number;
}

interface Waiter {
  readonly grant: () => void;
}

/**
 * A concurrency cap with a bounded FIFO queue in front of it. A full queue
 * rejects immediately (`BulkheadRejectedError`) rather than letting work pile
 * up; a waiter whose signal aborts leaves the queue and gets the signal's reason.
 */
export class Bulkhead {
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  // A Set keeps insertion order (FIFO) and removes an aborted waiter in O(1).
  readonly #queue = new Set<Waiter>();
  #running = 0;

  constructor(options: BulkheadOptions) {
    if (!Number.isSafeInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
      throw new RangeError('Bulkhead: maxConcurrent must be an integer >= 1');
    }
    if (!Number.isSafeInteger(options.maxQueue) || options.maxQueue < 0) {
      throw new RangeError('Bulkhead: maxQueue must be an integer >= 0');
    }
    this.#maxConcurrent = options.maxConcurrent;
    this.#maxQueue = options.maxQueue;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.size;
  }

  /** Whether a call now would be rejected. */
  get full(): boolean {
    return this.#running >= this.#maxConcurrent && this.#queue.size >= this.#maxQueue;
  }

  /** Runs `task` once a slot is free; the slot is released however the task ends. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#running < this.#maxConcurrent) {
      this.#running += 1;
      return Promise.resolve();
    }
    if (this.#queue.size >= this.#maxQueue) {
      return Promise.reject(new BulkheadRejectedError(this.#running, this.#queue.size));
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#queue.delete(waiter);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#queue.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    const next = this.#queue.values().next();
    if (next.done) {
      this.#running -= 1;
      return;
    }
    // Hand the slot over: `running` stays, and no newcomer can jump the queue.
    this.#queue.delete(next.value);
    next.value.grant();
  }
}
