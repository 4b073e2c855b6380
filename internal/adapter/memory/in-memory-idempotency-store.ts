import type { BeginResult, IdempotencyBegin, IdempotencyRef, IdempotencyStore, StoredResponse } from '../../domain/idempotency/idempotency-store.ts';
import type { Context } from '../../domain/shared/context.ts';

interface Entry {
  readonly fingerprint: string;
  readonly response: StoredResponse | undefined;
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
        this.#entries.set(id, { fingerprint: request.fingerprint, response: undefined, expiresAt: now + request.ttlMs, heldSince: now });
        return { state: 'new' };
      }
      if (held.fingerprint !== request.fingerprint) return { state: 'mismatch' };
      if (!held.response) return { state: 'in_progress', heldForMs: Math.max(0, now - held.heldSince) };
      return { state: 'replay', status: held.response.status, body: structuredClone(held.response.body) };
    });
  }

  complete(ctx: Context, ref: IdempotencyRef, response: StoredResponse): Promise<void> {
    return settle(ctx, () => {
      const id = idOf(ref);
      const held = this.#entries.get(id);
      // Stored as JSON, as PostgreSQL stores it: what cannot be JSON does not survive either.
      const body: unknown = JSON.parse(JSON.stringify(response.body ?? null));
      if (held && !held.response) this.#entries.set(id, { ...held, response: { status: response.status, body } });
    });
  }

  reclaim(ctx: Context, request: IdempotencyBegin, staleAfterMs: number): Promise<boolean> {
    return settle(ctx, () => {
      const id = idOf(request);
      const now = this.#now().getTime();
      const held = this.#entries.get(id);
      if (!held || held.response || held.expiresAt <= now || held.fingerprint !== request.fingerprint || now - held.heldSince < staleAfterMs) return false;
      this.#entries.set(id, { ...held, heldSince: now, expiresAt: now + request.ttlMs });
      return true;
    });
  }

  abandon(ctx: Context, ref: IdempotencyRef): Promise<void> {
    return settle(ctx, () => {
      const id = idOf(ref);
      if (this.#entries.get(id)?.response === undefined) this.#entries.delete(id);
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
