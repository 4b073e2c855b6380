import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { DependencyProbe } from '../../domain/health/dependency-probe.ts';

export class PostgresProbe implements DependencyProbe {
  readonly name = 'postgres';
  readonly critical = true;
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async check(signal: AbortSignal): Promise<void> {
    await sql`SELECT 1`.execute(this.#db, { signal });
  }
}
