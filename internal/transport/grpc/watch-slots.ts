import { Status, ServerError } from 'nice-grpc';
import type { Context } from '../../domain/shared/context.ts';

/**
 * Open watches per caller on this instance: a customer cannot hold unbounded
 * streams (each one holds a subscription and a buffer). Anonymous callers never
 * get this far (watching needs a caller).
 */
export class WatchSlots {
  readonly #perCaller: number;
  readonly #open = new Map<string, number>();

  constructor(perCaller: number) {
    this.#perCaller = perCaller;
  }

  /** Takes a slot of the caller, or fails with RESOURCE_EXHAUSTED; returns its release (idempotent). */
  acquire(ctx: Context): () => void {
    const key = ctx.principal?.userId ?? 'anonymous';
    const held = this.#open.get(key) ?? 0;
    if (held >= this.#perCaller) throw new ServerError(Status.RESOURCE_EXHAUSTED, `at most ${this.#perCaller} open watches per caller; close one first`);
    this.#open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#open.get(key) ?? 1) - 1;
      if (now <= 0) this.#open.delete(key);
      else this.#open.set(key, now);
    };
  }

  get open(): number {
    let total = 0;
    for (const held of this.#open.values()) total += held;
    return total;
  }
}
