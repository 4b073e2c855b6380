import { sql, type Kysely } from 'kysely';
import type { DependencyProbe } from '../../domain/health/dependency-probe.ts';

export class PostgresProbe implements DependencyProbe {
  readonly name = 'postgres';
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async check(signal: AbortSignal): Promise<void> {
    await sql`SELECT 1`.execute(this.#db, { signal });
  }
}
