import { sql, type Kysely } from 'kysely';
import type { FlagChange, FlagStore, StoredFlag } from '../../domain/flags/flag-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import { StaleVersionError, versionMatches } from '../../domain/shared/version.ts';
import type { Database } from './database.ts';
import type { FeatureFlagRow } from './feature-flags.table.ts';
import { translatePgError } from './pg-errors.ts';

/** NOTIFY channel of flag changes; the payload is the flag key. */
export const FLAGS_CHANNEL = 'ordersvc_flags';

/** Flag settings in `feature_flags`, their history in `feature_flag_changes`. */
export class PostgresFlagStore implements FlagStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async list(ctx: Context): Promise<StoredFlag[]> {
    try {
      const rows = await this.#db.selectFrom('feature_flags').selectAll().orderBy('key').execute({ signal: ctx.signal });
      return rows.map(toDomain);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async put(ctx: Context, change: FlagChange): Promise<StoredFlag> {
    const percent = change.setting.rolloutPercent ?? null;
    let row: FeatureFlagRow | undefined;
    try {
      row = await this.#db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('feature_flags').select('version').where('key', '=', change.key).forUpdate().executeTakeFirst({ signal: ctx.signal });
        const version = current?.version ?? 0;
        if (!versionMatches(change.expected, version)) return undefined;
        // A first setting racing another one finds the row taken: the version check fails it.
        const stored = await trx
          .insertInto('feature_flags')
          .values({ key: change.key, enabled: change.setting.enabled, rollout_percent: percent, version: version + 1, updated_by: change.changedBy })
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet({ enabled: change.setting.enabled, rollout_percent: percent, version: version + 1, updated_by: change.changedBy, updated_at: sql<Date>`now()` })
              .where('feature_flags.version', '=', version),
          )
          .returningAll()
          .executeTakeFirst({ signal: ctx.signal });
        if (!stored) return undefined;
        await trx
          .insertInto('feature_flag_changes')
          .values({ flag_key: change.key, enabled: stored.enabled, rollout_percent: percent, version: stored.version, changed_by: change.changedBy })
          .execute({ signal: ctx.signal });
        // Delivered on commit only, so no replica reloads before the change is visible.
        await sql`SELECT pg_notify(${FLAGS_CHANNEL}, ${change.key})`.execute(trx);
        return stored;
      });
    } catch (error) {
      throw translatePgError(error);
    }
    if (!row) throw new StaleVersionError(`flag ${change.key}`);
    return toDomain(row);
  }
}

function toDomain(row: FeatureFlagRow): StoredFlag {
  return {
    key: row.key,
    enabled: row.enabled,
    rolloutPercent: row.rollout_percent === null ? undefined : Number(row.rollout_percent),
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
