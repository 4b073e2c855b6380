import type { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';
import pg from 'pg';
import { PgNotificationListener } from '../../internal/adapter/postgres/activity/pg-notification-listener.ts';
import { PostgresActivityHub, type ActivityHubStats } from '../../internal/adapter/postgres/activity/postgres-activity-hub.ts';
import { PostgresActivityLog } from '../../internal/adapter/postgres/activity/postgres-activity-log.ts';
import { ACTIVITY_CHANNEL } from '../../internal/adapter/postgres/activity/record-activity.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { ListActivity } from '../../internal/app/activity/list-activity.use-case.ts';
import { StreamActivity } from '../../internal/app/activity/stream-activity.use-case.ts';
import type { UserRepository } from '../../internal/domain/user/user-repository.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { ActivityUseCases } from '../../internal/transport/http/activity/activity.routes.ts';

export interface RunningActivity {
  readonly useCases: ActivityUseCases;
  readonly stats: () => ActivityHubStats;
  /** Ends every stream (clients may resume elsewhere) and closes the listening connection. */
  readonly stop: () => Promise<void>;
}

const PAGE_SIZE = 100;

/** The activity listing and the live stream: one LISTEN connection and one hub per process. */
export async function startActivity(config: AppConfig, logger: Logger, database: DatabaseHandle, users: UserRepository, cursors: CursorSeal): Promise<RunningActivity> {
  const log = logger.child({ component: 'activity' });
  const activityLog = new PostgresActivityLog(database.db);
  const hub = new PostgresActivityHub(activityLog, {
    maxSubscribers: config.activity.maxSubscribers,
    maxPerCaller: config.activity.maxStreamsPerUser,
    bufferEvents: config.activity.bufferEvents,
    // A page pushed at once must fit a buffer.
    pageSize: Math.min(PAGE_SIZE, config.activity.bufferEvents),
    readConcurrency: Math.max(1, Math.floor(config.database.poolMax / 4)),
    readTimeoutMs: config.database.statementTimeoutMs,
    retryDelayMs: 1_000,
    log,
  });
  const { connectionString } = database.pool.options;
  const listener = new PgNotificationListener({
    newClient: () =>
      new pg.Client({
        connectionString,
        application_name: 'ordersvc-activity',
        keepAlive: true,
        connectionTimeoutMillis: config.database.connectionTimeoutMs,
        query_timeout: config.database.statementTimeoutMs,
      }),
    channel: ACTIVITY_CHANNEL,
    onNotification: (payload) => hub.notify(payload),
    onListening: () => hub.resync(),
    backoff: { baseMs: 200, capMs: 10_000 },
    pingIntervalMs: 30_000,
    log,
  });
  await listener.start();
  return {
    useCases: {
      listActivity: new ListActivity(activityLog, users, cursors),
      streamActivity: new StreamActivity(hub, users),
      sse: { heartbeatMs: config.activity.heartbeatMs, retryMs: 2_000 },
    },
    stats: () => hub.stats(),
    stop: async () => {
      hub.close();
      await listener.stop();
    },
  };
}
