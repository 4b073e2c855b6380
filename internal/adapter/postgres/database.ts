import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ActivityEventsTable } from './activity-events.table.ts';
import type { FeatureFlagChangesTable, FeatureFlagsTable } from './feature-flags.table.ts';
import type { IdempotencyKeysTable } from './idempotency-keys.table.ts';
import type { JobEffectsTable } from './job-effects.table.ts';
import type { NotificationsTable } from './notifications.table.ts';
import type { OrderLinesTable, OrdersTable } from './orders.table.ts';
import type { InboxTable, OutboxTable, ProductSalesTable } from './outbox.table.ts';
import type { ProductsTable } from './products.table.ts';
import { queryName } from './query-name.ts';
import type { ScheduleRunsTable } from './schedule-runs.table.ts';
import type { PasswordResetsTable } from './password-resets.table.ts';
import type { ServiceKeysTable } from './service-keys.table.ts';
import type { SignInAttemptsTable } from './sign-in-attempts.table.ts';
import type { SessionsTable } from './sessions.table.ts';
import type { StockReservationsTable } from './stock-reservations.table.ts';
import type { UserRolesTable, UsersTable } from './users.table.ts';

export interface Database {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  stock_reservations: StockReservationsTable;
  idempotency_keys: IdempotencyKeysTable;
  job_effects: JobEffectsTable;
  notifications: NotificationsTable;
  schedule_runs: ScheduleRunsTable;
  activity_events: ActivityEventsTable;
  feature_flags: FeatureFlagsTable;
  feature_flag_changes: FeatureFlagChangesTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  product_sales: ProductSalesTable;
  service_keys: ServiceKeysTable;
  sign_in_attempts: SignInAttemptsTable;
  password_resets: PasswordResetsTable;
}

export interface PoolSettings {
  readonly url: string;
  readonly max: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly applicationName?: string;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  /** Closes every pooled connection. */
  readonly close: () => Promise<void>;
}

function createPool(settings: PoolSettings): pg.Pool {
  return new pg.Pool({
    connectionString: settings.url,
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // A transaction left open by a crashed request must not hold locks forever.
    idle_in_transaction_session_timeout: Math.max(settings.statementTimeoutMs * 2, 10_000),
    application_name: settings.applicationName ?? 'ordersvc',
  });
}

/** One executed statement, as observers (tests, metrics, the slow-query log, tracing) see it. */
export interface QueryEvent {
  /** The SQL text with placeholders: never the parameters. */
  readonly sql: string;
  /** `queryName(sql)`: verb and first table, for labels. */
  readonly name: string;
  readonly durationMs: number;
  /** Set when the statement failed. */
  readonly error?: unknown;
}

/** Sees every executed statement after it ran. Must not throw. */
export type QueryObserver = (event: QueryEvent) => void;

/** One observer calling each of `observers` (undefined ones skipped); undefined when there is none. */
export function combineQueryObservers(...observers: readonly (QueryObserver | undefined)[]): QueryObserver | undefined {
  const present = observers.filter((observer): observer is QueryObserver => observer !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return (event) => {
    for (const observer of present) observer(event);
  };
}

export function createDatabase(settings: PoolSettings, onIdleClientError: (error: Error) => void, onQuery?: QueryObserver): DatabaseHandle {
  const pool = createPool(settings);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery
      ? {
          log: (event) =>
            onQuery({
              sql: event.query.sql,
              name: queryName(event.query.sql),
              durationMs: event.queryDurationMillis,
              ...(event.level === 'error' ? { error: event.error } : {}),
            }),
        }
      : {}),
  });
  let closing = false;
  // An idle client's error (the server restarted) must not crash the process;
  // the pool drops that client and the next query reconnects. Once we close
  // the pool ourselves, its clients' goodbyes are expected, not news.
  pool.on('error', (error) => {
    if (!closing) onIdleClientError(error);
  });
  // The pool listens for errors only while a client is idle. A client checked
  // out between statements (a transaction awaiting a call elsewhere) that
  // loses its connection would emit an error nobody listens to, and crash the
  // process. This listener stays for the client's life; the transaction
  // learns of the loss from its next statement, which fails as unavailable.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return {
    db,
    pool,
    close: () => {
      closing = true;
      return db.destroy();
    },
  };
}
