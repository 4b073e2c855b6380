import { PostgresServiceKeys } from '../../internal/adapter/postgres/postgres-service-keys.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startInBackground, type BackgroundStart } from '../../internal/platform/lifecycle/start-in-background.ts';

export interface OpenCursorSeal {
  readonly seal: CursorSeal;
  /** Stops loading the key from the database (when it is still being retried). */
  stop(): Promise<void>;
}

/**
 * The seal of every pagination cursor: the configured key, else one kept in
 * PostgreSQL, so replicas and restarts accept each other's cursors either way.
 * The stored key is loaded in the background (retried while the database is
 * down, so the service still starts, not ready); until it is there, listings
 * answer that a dependency is unavailable.
 */
export async function openCursorSeal(config: AppConfig, logger: StartLog, database: DatabaseHandle): Promise<OpenCursorSeal> {
  const configured = config.http.cursorSigningKey;
  if (configured !== '') return { seal: new CursorSeal(Buffer.from(configured, 'utf8')), stop: () => Promise.resolve() };
  const seal = new CursorSeal();
  const keys = new PostgresServiceKeys(database.db);
  const loading: BackgroundStart = await startInBackground(
    'cursor signing key',
    async () => {
      seal.useKey(await keys.keyFor('cursor_signing'));
      return { stop: () => Promise.resolve() };
    },
    { log: logger },
  );
  return { seal, stop: () => loading.stop() };
}

type StartLog = Parameters<typeof startInBackground>[2]['log'];
