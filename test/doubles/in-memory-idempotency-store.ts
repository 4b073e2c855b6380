import type { BeginResult, IdempotencyBegin, IdempotencyRef, IdempotencyStore, RecordedOutcome } from '../../internal/domain/idempotency/idempotency-store.ts';
import type { Context } from '../../internal/domain/shared/context.ts';

interface Entry {
  readonly fingerprint: string;
  /** The recorded outcome as JSON text, as PostgreSQL keeps it; undefined while in progress. */
  readonly outcome: string | undefined;
  readonly expiresAt: number;
  readonly heldSince: number;
}

/** Idempotency records in a map, timed by the given clock; for use-case tests and single-process tools. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  begin(ctx: Context, request: IdempotencyBegin): Promise<BeginResult> {
    return settle(ctx, () => {
      const id = idOf(request);
      const now = this.#now().getTime();
      const held = this.#entries.get(id);
      if (!held || held.expiresAt <= now) {
        this.#entries.set(id, { fingerprint: request.fingerprint, outcome: undefined, expiresAt: now + request.ttlMs, heldSince: now });
        return { state: 'new' };
      }
      if (held.fingerprint !== request.fingerprint) return { state: 'mismatch' };
      if (held.outcome === undefined) return { state: 'in_progress', heldForMs: Math.max(0, now - held.heldSince) };
      return { state: 'replay', outcome: JSON.parse(held.outcome) as RecordedOutcome };
    });
  }

  complete(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void> {
    return this.#record(ctx, ref, outcome, false);
  }

  revise(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void> {
    return this.#record(ctx, ref, outcome, true);
  }

  #record(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome, completed: boolean): Promise<void> {
    return settle(ctx, () => {
      const id = idOf(ref);
      const held = this.#entries.get(id);
      // Stored as JSON text, as PostgreSQL stores it: what cannot be JSON does not survive either.
      if (held && held.expiresAt > this.#now().getTime() && (held.outcome !== undefined) === completed) {
        this.#entries.set(id, { ...held, outcome: JSON.stringify(outcome ?? null) });
      }
    });
  }

  reclaim(ctx: Context, request: IdempotencyBegin, staleAfterMs: number): Promise<boolean> {
    return settle(ctx, () => {
      const id = idOf(request);
      const now = this.#now().getTime();
      const held = this.#entries.get(id);
      if (!held || held.outcome !== undefined || held.expiresAt <= now || held.fingerprint !== request.fingerprint || now - held.heldSince < staleAfterMs) return false;
      this.#entries.set(id, { ...held, heldSince: now, expiresAt: now + request.ttlMs });
      return true;
    });
  }

  abandon(ctx: Context, ref: IdempotencyRef): Promise<void> {
    return settle(ctx, () => {
      const id = idOf(ref);
      if (this.#entries.get(id)?.outcome === undefined) this.#entries.delete(id);
    });
  }

  purgeExpired(ctx: Context, limit: number): Promise<number> {
    return settle(ctx, () => {
      const now = this.#now().getTime();
      const expired = [...this.#entries].filter(([, entry]) => entry.expiresAt <= now).sort(([, a], [, b]) => a.expiresAt - b.expiresAt).slice(0, limit);
      for (const [id] of expired) this.#entries.delete(id);
      return expired.length;
    });
  }
}

function idOf(ref: IdempotencyRef): string {
  return `${ref.userId}\u0000${ref.key}`;
}

function settle<T>(ctx: Context, work: () => T): Promise<T> {
  return new Promise((resolve) => {
    ctx.signal.throwIfAborted();
    resolve(work());
  });
}
