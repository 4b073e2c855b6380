import type { Context } from '../shared/context.ts';

/** Names one idempotent request: the key is the client's, scoped to the user who sent it. */
export interface IdempotencyRef {
  readonly userId: string;
  readonly key: string;
}

export interface IdempotencyBegin extends IdempotencyRef {
  /** Identifies the request (method, path and canonical body); the same key with another fingerprint is a mismatch. */
  readonly fingerprint: string;
  /** How long the record (and so the replay) lives from now. */
  readonly ttlMs: number;
}

/** The response a completed request gave, replayed to repeats. `body` is JSON. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type BeginResult =
  /** The caller owns the key now and must `complete` or `abandon` it. */
  | { readonly state: 'new' }
  | ({ readonly state: 'replay' } & StoredResponse)
  /** Another request holds the key; `heldForMs` says since when (by the store's clock). */
  | { readonly state: 'in_progress'; readonly heldForMs: number }
  | { readonly state: 'mismatch' };

/**
 * Records of idempotent requests. Expired records count as absent.
 * Every method honours `ctx.signal`.
 */
export interface IdempotencyStore {
  /** Claims the key atomically: of concurrent callers with one key exactly one gets `new`. */
  begin(ctx: Context, request: IdempotencyBegin): Promise<BeginResult>;

  /** Stores the response of a request in progress, to be replayed until the record expires. */
  complete(ctx: Context, ref: IdempotencyRef, response: StoredResponse): Promise<void>;

  /**
   * Takes over a request in progress with the same fingerprint that has been
   * held for at least `staleAfterMs` (its owner is presumed dead), restarting
   * its clock and expiry. Of concurrent callers at most one gets true.
   */
  reclaim(ctx: Context, request: IdempotencyBegin, staleAfterMs: number): Promise<boolean>;

  /** Forgets a request in progress (not a completed one), so the key can run again. */
  abandon(ctx: Context, ref: IdempotencyRef): Promise<void>;

  /** Deletes up to `limit` expired records; returns how many. */
  purgeExpired(ctx: Context, limit: number): Promise<number>;
}
