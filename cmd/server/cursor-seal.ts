import { PostgresServiceKeys } from '../../internal/adapter/postgres/postgres-service-keys.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';

/**
 * The seal of every pagination cursor: the configured key, else one kept in
 * PostgreSQL, so replicas and restarts accept each other's cursors either way.
 */
export async function openCursorSeal(config: AppConfig, database: DatabaseHandle): Promise<CursorSeal> {
  const configured = config.http.cursorSigningKey;
  const key = configured === '' ? await new PostgresServiceKeys(database.db).keyFor('cursor_signing') : Buffer.from(configured, 'utf8');
  return new CursorSeal(key);
}
