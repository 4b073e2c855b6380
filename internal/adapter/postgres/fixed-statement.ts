import { CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from './database.ts';

/**
 * A hot statement whose SQL text is written once and sent with new parameters
 * on every call. Kysely's query builder builds, freezes and compiles an
 * operation tree on each execute (about a tenth of an order placement's CPU
 * in the bench profile); a fixed text skips all of that, and PostgreSQL sees
 * one text per statement, not one per length of an `IN` list (arrays are
 * passed whole: `= ANY($1::uuid[])`). Hand-written SQL, so it is kept for the
 * few statements every request runs; the rest stay with the query builder.
 * Statements still go through kysely's executor: logging, the slow-query log
 * and abort signals behave as for any other.
 */
export class FixedStatement<R> {
  readonly #sql: string;

  constructor(sql: string) {
    this.#sql = sql.trim();
  }

  get sql(): string {
    return this.#sql;
  }

  execute(db: Kysely<Database> | Transaction<Database>, parameters: readonly unknown[], signal?: AbortSignal): Promise<QueryResult<R>> {
    return db.executeQuery<R>(CompiledQuery.raw(this.#sql, [...parameters]), signal ? { signal } : undefined);
  }
}
