import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

const KEY_BYTES = 32;

/** Random keys every replica shares, created by whichever replica asks first. */
export class PostgresServiceKeys {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The key named `name`; made (at random) and stored if there is none yet. */
  async keyFor(name: string): Promise<Buffer> {
    // Two replicas starting together: one insert wins, both read its key.
    await this.#db.insertInto('service_keys').values({ name, secret: randomBytes(KEY_BYTES) }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const row = await this.#db.selectFrom('service_keys').select('secret').where('name', '=', name).executeTakeFirstOrThrow();
    return row.secret;
  }
}
