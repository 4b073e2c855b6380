import { sql, type Kysely } from 'kysely';
import type { BeginResult, IdempotencyBegin, IdempotencyRef, IdempotencyStore, RecordedOutcome } from '../../domain/idempotency/idempotency-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { FixedStatement } from './fixed-statement.ts';
import { translatePgError } from './pg-errors.ts';

// The two statements of every idempotent request, written once (see FixedStatement).
// Inserts the record, or takes over an expired one; no row when a live record holds the key.
const CLAIM = new FixedStatement<{ key: string }>(`
  INSERT INTO idempotency_keys (user_id, key, fingerprint, state, expires_at)
  VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4::float8))
  ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'in_progress', outcome = NULL,
    created_at = now(), expires_at = excluded.expires_at
  WHERE idempotency_keys.expires_at <= now()
  RETURNING key`);
// Sets the outcome of a live record in the given state.
const RECORD = new FixedStatement<never>(`
  UPDATE idempotency_keys SET state = 'completed', outcome = $1
  WHERE user_id = $2 AND key = $3 AND state = $4 AND expires_at > now()`);

// Claiming loses only to a record that vanishes between the insert and the read (abandoned or purged).
const CLAIM_ATTEMPTS = 3;

/**
 * Idempotency records in `idempotency_keys`, timed by the database clock.
 * `begin` is one `INSERT … ON CONFLICT` (which also takes over an expired
 * record) followed, when the key is held, by a read of the holder's record.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async begin(ctx: Context, request: IdempotencyBegin): Promise<BeginResult> {
    try {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
        if (await this.#claim(ctx, request)) return { state: 'new' };
        const held = await this.#db
          .selectFrom('idempotency_keys')
          .selectAll()
          .select(sql<number>`(extract(epoch FROM now() - created_at) * 1000)::float8`.as('held_for_ms'))
          .where('user_id', '=', request.userId)
          .where('key', '=', request.key)
          .where('expires_at', '>', sql<Date>`now()`)
          .executeTakeFirst({ signal: ctx.signal });
        if (!held) continue;
        if (held.fingerprint !== request.fingerprint) return { state: 'mismatch' };
        if (held.state === 'in_progress' || held.outcome === null) return { state: 'in_progress', heldForMs: Math.max(0, held.held_for_ms) };
        return { state: 'replay', outcome: JSON.parse(held.outcome) as RecordedOutcome };
      }
      return { state: 'in_progress', heldForMs: 0 };
    } catch (error) {
      throw translatePgError(error);
    }
  }

  complete(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void> {
    return this.#record(ctx, ref, outcome, 'in_progress');
  }

  revise(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome): Promise<void> {
    return this.#record(ctx, ref, outcome, 'completed');
  }

  // Sets the outcome of a live record in the given state (a revision keeps the expiry).
  async #record(ctx: Context, ref: IdempotencyRef, outcome: RecordedOutcome, from: 'in_progress' | 'completed'): Promise<void> {
    try {
      await RECORD.execute(this.#db, [JSON.stringify(outcome ?? null), ref.userId, ref.key, from], ctx.signal);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async reclaim(ctx: Context, request: IdempotencyBegin, staleAfterMs: number): Promise<boolean> {
    try {
      const taken = await this.#db
        .updateTable('idempotency_keys')
        .set({ created_at: sql<Date>`now()`, expires_at: sql<Date>`now() + make_interval(secs => ${request.ttlMs / 1000})` })
        .where('user_id', '=', request.userId)
        .where('key', '=', request.key)
        .where('fingerprint', '=', request.fingerprint)
        .where('state', '=', 'in_progress')
        .where('expires_at', '>', sql<Date>`now()`)
        .where('created_at', '<=', sql<Date>`now() - make_interval(secs => ${staleAfterMs / 1000})`)
        .returning('key')
        .executeTakeFirst({ signal: ctx.signal });
      return taken !== undefined;
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async abandon(ctx: Context, ref: IdempotencyRef): Promise<void> {
    try {
      await this.#db
        .deleteFrom('idempotency_keys')
        .where('user_id', '=', ref.userId)
        .where('key', '=', ref.key)
        .where('state', '=', 'in_progress')
        .execute({ signal: ctx.signal });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async purgeExpired(ctx: Context, limit: number): Promise<number> {
    try {
      const result = await sql`
        DELETE FROM idempotency_keys
        WHERE (user_id, key) IN (
          SELECT user_id, key FROM idempotency_keys WHERE expires_at <= now()
          ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`.execute(this.#db, { signal: ctx.signal });
      return Number(result.numAffectedRows ?? 0n);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  // Inserts the record, or takes over an expired one; false when a live record holds the key.
  async #claim(ctx: Context, request: IdempotencyBegin): Promise<boolean> {
    const { rows } = await CLAIM.execute(this.#db, [request.userId, request.key, request.fingerprint, request.ttlMs / 1000], ctx.signal);
    return rows.length > 0;
  }
}
