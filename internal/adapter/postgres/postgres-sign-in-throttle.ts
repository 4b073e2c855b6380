import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SignInGate, SignInThrottle, SignInThrottlePolicy } from '../../domain/identity/sign-in-throttle.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';

/**
 * Sign-in attempts per account in PostgreSQL, for replicas without Redis.
 * One statement decides and counts: the upsert's WHERE skips an account that
 * is waiting, so concurrent attempts cannot both pass. The database's clock
 * decides, so replicas with skewed clocks agree. A free attempt starts no
 * wait, so one after it is never refused: not by comparing clocks either,
 * since now() is when a transaction began and a concurrent attempt's may be
 * earlier than the row it waited for (one account signing in twice at once).
 */
export class PostgresSignInThrottle implements SignInThrottle {
  readonly #db: Kysely<Database>;
  readonly #policy: SignInThrottlePolicy;

  constructor(db: Kysely<Database>, policy: SignInThrottlePolicy) {
    this.#db = db;
    this.#policy = policy;
  }

  async begin(ctx: Context, account: string): Promise<SignInGate> {
    const next = sql<number>`(CASE WHEN t.expires_at <= now() THEN 1 ELSE t.attempts + 1 END)`;
    try {
      const counted = await sql<{ attempts: number }>`
        INSERT INTO sign_in_attempts AS t (account, attempts, locked_until, expires_at)
        VALUES (${account}, 1, now() + ${this.#delay(sql`1`)}, now() + ${this.#delay(sql`1`)} + ${this.#forget()})
        ON CONFLICT (account) DO UPDATE SET
          attempts = ${next},
          locked_until = now() + ${this.#delay(next)},
          expires_at = now() + ${this.#delay(next)} + ${this.#forget()}
        WHERE t.attempts <= ${this.#policy.freeAttempts}::int OR t.locked_until <= now() OR t.expires_at <= now()
        RETURNING t.attempts`.execute(this.#db, { signal: ctx.signal });
      if (counted.rows.length > 0) return { allowed: true };
      const waiting = await sql<{ wait_ms: number }>`
        SELECT greatest(0, extract(epoch FROM locked_until - now()) * 1000)::float8 AS wait_ms
        FROM sign_in_attempts WHERE account = ${account}`.execute(this.#db, { signal: ctx.signal });
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(waiting.rows[0]?.wait_ms ?? 1)) };
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async succeeded(ctx: Context, account: string): Promise<void> {
    try {
      await this.#db.deleteFrom('sign_in_attempts').where('account', '=', account).execute({ signal: ctx.signal });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  /** Deletes up to `limit` forgotten rows; how many it deleted. */
  async purgeExpired(ctx: Context, limit: number): Promise<number> {
    const result = await sql`
      DELETE FROM sign_in_attempts
      WHERE account IN (SELECT account FROM sign_in_attempts WHERE expires_at <= now() LIMIT ${limit})`.execute(this.#db, { signal: ctx.signal });
    return Number(result.numAffectedRows ?? 0);
  }

  // The doubling of `delayAfterAttempt`, in SQL; 30 doublings are past any cap.
  #delay(attempts: RawBuilder<unknown>): RawBuilder<unknown> {
    const { freeAttempts, baseDelayMs, maxDelayMs } = this.#policy;
    return sql`make_interval(secs => CASE WHEN ${attempts} > ${freeAttempts}::int
      THEN least(${maxDelayMs}::float8, ${baseDelayMs}::float8 * power(2, least(${attempts} - ${freeAttempts}::int - 1, 30))) / 1000.0
      ELSE 0 END)`;
  }

  #forget(): RawBuilder<unknown> {
    return sql`make_interval(secs => ${this.#policy.forgetAfterMs}::float8 / 1000.0)`;
  }
}
