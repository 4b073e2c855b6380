import { availableParallelism } from 'node:os';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';

// `Algorithm` is an ambient const enum, which verbatimModuleSyntax cannot read at run time.
const ARGON2ID = 2 as Algorithm.Argon2id;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface Argon2HasherOptions {
  /** Hashes computed at once (each holds 19 MiB and a libuv thread); default: the CPU count. */
  readonly maxConcurrent?: number;
  /** Hashes that may wait for a turn; beyond that, calls are refused at once. Default 64. */
  readonly maxQueued?: number;
  /** For tests only: cheaper parameters. */
  readonly argon2?: Options;
}

interface Waiter {
  readonly start: () => void;
  readonly onAbort: () => void;
}

/**
 * Argon2id through @node-rs/argon2 (native, off the event loop), behind a
 * bulkhead: hashing is CPU-bound, so a burst of logins waits in a bounded
 * queue and the excess is refused with `DependencyUnavailableError` (503)
 * instead of piling up latency and memory for everyone.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #options: Options;
  readonly #queue: Waiter[] = [];
  #running = 0;

  constructor(options: Argon2HasherOptions = {}) {
    this.#maxConcurrent = options.maxConcurrent ?? availableParallelism();
    this.#maxQueued = options.maxQueued ?? 64;
    if (!Number.isSafeInteger(this.#maxConcurrent) || this.#maxConcurrent < 1) throw new RangeError('maxConcurrent must be a whole number >= 1');
    if (!Number.isSafeInteger(this.#maxQueued) || this.#maxQueued < 0) throw new RangeError('maxQueued must be a whole number >= 0');
    this.#options = options.argon2 ?? ARGON2_OPTIONS;
  }

  hash(password: string, signal?: AbortSignal): Promise<string> {
    return this.#withSlot(signal, () => hash(password, this.#options, signal));
  }

  // The parameters come from the stored hash; ours only matter for new hashes.
  verify(stored: string, password: string, signal?: AbortSignal): Promise<boolean> {
    return this.#withSlot(signal, () => verify(stored, password, undefined, signal));
  }

  /** Hashes running and waiting now (for gauges). */
  get load(): { readonly running: number; readonly queued: number } {
    return { running: this.#running, queued: this.#queue.length };
  }

  async #withSlot<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    if (this.#running >= this.#maxConcurrent) await this.#waitForTurn(signal);
    else this.#running += 1;
    try {
      return await work();
    } finally {
      this.#release();
    }
  }

  #waitForTurn(signal: AbortSignal | undefined): Promise<void> {
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(new DependencyUnavailableError('password hasher'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal?.reason as Error);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  // A finishing hash hands its slot straight to the next waiter, so the count never dips.
  #release(): void {
    const next = this.#queue.shift();
    if (next) next.start();
    else this.#running -= 1;
  }
}
