import type { Context } from '../shared/context.ts';

/** Names one idempotent request: the key is the client's, scoped to the user who sent it. */
export interface IdempotencyRef {
  readonly userId: string;
  readonly key: string;
}

export interface IdempotencyBegin extends IdempotencyRef {
  /** Identifies the command (not its transport); the same key with another fingerprint is a mismatch. */
  readonly fingerprint: string;
  /** How long the record (and so the replay) lives from now. */
  readonly ttlMs: number;
}

/**
 * The outcome a completed request came to, as the use-case recorded it: a
 * JSON value (objects keep their key order), replayed to repeats. It is the
 * use-case's domain outcome, never a protocol's response.
 */
export type RecordedOutcome = unknown;

export type BeginResult =
  /** The caller owns the key now and must `complete` or `abandon` it. */
  | { readonly state: 'new' }
  | { readonly state: 'replay'; readonly outcome: RecordedOutcome }
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
  /** Stores the outcome of a request in progress, to be replayed until the record expires. */
  complete(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void>;
  /**
   * Replaces the outcome of a completed request (one recorded as still
   * undecided, whose fate is known now); the expiry stays. Does nothing to a
   * request in progress or an absent one.
   */
  revise(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void>;
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
