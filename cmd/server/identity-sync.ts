import pg from 'pg';
import { PgNotificationListener } from '../../internal/adapter/postgres/activity/pg-notification-listener.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { IDENTITY_CHANNEL, parseIdentityNotification } from '../../internal/adapter/postgres/identity-notification.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';

export interface IdentitySyncTargets {
  /** Drops the cached copies of a user's sessions. */
  readonly evictSessions: (ctx: Context, userId: string) => Promise<void>;
  /** Reads a user afresh into the user caches. */
  readonly refreshUser: (ctx: Context, userId: string) => Promise<void>;
}

export interface RunningIdentitySync {
  stop(): Promise<void>;
}

/**
 * Listens for the identity triggers' notifications, so that a role change or
 * an ended session, whoever made it (another replica, `create-admin`, psql),
 * reaches this replica's caches at once.
 */
export async function startIdentitySync(config: AppConfig, logger: Logger, database: DatabaseHandle, targets: IdentitySyncTargets): Promise<RunningIdentitySync> {
  const log = logger.child({ component: 'identity-sync' });
  const ctx = (): Context => ({ traceId: 'identity-sync', signal: AbortSignal.timeout(config.database.statementTimeoutMs), log });
  const apply = async (payload: string | undefined) => {
    const change = parseIdentityNotification(payload);
    if (!change) return;
    await Promise.all([...change.sessions.map((id) => targets.evictSessions(ctx(), id)), ...change.users.map((id) => targets.refreshUser(ctx(), id))]);
  };
  const { connectionString } = database.pool.options;
  const listener = new PgNotificationListener({
    newClient: () => new pg.Client({ connectionString, application_name: 'ordersvc-identity', keepAlive: true, connectionTimeoutMillis: config.database.connectionTimeoutMs }),
    channel: IDENTITY_CHANNEL,
    onNotification: (payload) => {
      apply(payload).catch((error: unknown) => log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not drop cached identity data; it expires with its TTL'));
    },
    onListening: () => undefined,
    backoff: { baseMs: 200, capMs: 10_000 },
    pingIntervalMs: 30_000,
    log,
    name: 'identity notifications',
  });
  await listener.start();
  return { stop: () => listener.stop() };
}
