import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { AuthorizationJournal, AuthorizationRecord } from './authorization-journal.ts';
import type { AuthorizationStatus, DeclineCode } from './authorization-store.ts';

interface SandboxTables {
  payment_sandbox_authorizations: {
    id: string;
    idempotency_key: string;
    status: AuthorizationStatus;
    decline_code: DeclineCode | null;
    amount: string | number;
    currency: string;
    card_token: string;
    created_at: Date | string;
  };
}

/** The sandbox's authorizations in a PostgreSQL table (migration 0018), through a pool the caller owns. */
export class PostgresAuthorizationJournal implements AuthorizationJournal {
  readonly #db: Kysely<SandboxTables>;

  constructor(pool: pg.Pool) {
    // Never destroyed here: that would end the caller's pool.
    this.#db = new Kysely<SandboxTables>({ dialect: new PostgresDialect({ pool }) });
  }

  async load(limit: number): Promise<AuthorizationRecord[]> {
    const rows = await this.#db.selectFrom('payment_sandbox_authorizations').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.reverse().map((row) => ({
      id: row.id,
      idempotencyKey: row.idempotency_key,
      status: row.status,
      declineCode: row.decline_code,
      amount: Number(row.amount),
      currency: row.currency,
      cardToken: row.card_token,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  async save(record: AuthorizationRecord): Promise<void> {
    await this.#db
      .insertInto('payment_sandbox_authorizations')
      .values({
        id: record.id,
        idempotency_key: record.idempotencyKey,
        status: record.status,
        decline_code: record.declineCode,
        amount: record.amount,
        currency: record.currency,
        card_token: record.cardToken,
        created_at: record.createdAt,
      })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ status: record.status }))
      .execute();
  }
}
