import { ActivityStreamsPerUserExceededError } from '../../domain/activity/activity.errors.ts';
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

  /** Takes a slot of the caller, or fails with TOO_MANY_STREAMS_FOR_USER; returns its release (idempotent). */
  acquire(ctx: Context): () => void {
    const key = ctx.principal?.userId ?? 'anonymous';
    const held = this.#open.get(key) ?? 0;
    // The same error as the activity feed's own per-user cap: RESOURCE_EXHAUSTED with the REST code and RetryInfo.
    if (held >= this.#perCaller) throw new ActivityStreamsPerUserExceededError(this.#perCaller);
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
