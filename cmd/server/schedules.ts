import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { PostgresIdempotencyStore } from '../../internal/adapter/postgres/postgres-idempotency-store.ts';
import { PostgresScheduleCoordinator } from '../../internal/adapter/postgres/postgres-schedule-coordinator.ts';
import { PostgresSessionStore } from '../../internal/adapter/postgres/postgres-session-store.ts';
import { PostgresSignInThrottle } from '../../internal/adapter/postgres/postgres-sign-in-throttle.ts';
import { signInThrottlePolicy } from './sign-in-throttle.ts';
import { PostgresOutboxStore } from '../../internal/adapter/postgres/postgres-outbox-store.ts';
import type { RecoverPendingOrders } from '../../internal/app/orders/recover-pending-orders.use-case.ts';
import { ListSchedules } from '../../internal/app/scheduling/list-schedules.use-case.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import type { AppConfig, ScheduleSettings } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { purgeInBatches } from '../../internal/platform/scheduler/purge-in-batches.ts';
import { activeTraceId, inSpan } from '../../internal/platform/tracing/spans.ts';
import { Scheduler, type ScheduledRun, type ScheduleDefinition, type ScheduleStatus } from '../../internal/platform/scheduler/scheduler.ts';
import type { ScheduleUseCases } from '../../internal/transport/http/schedules/schedules.routes.ts';

export interface ScheduleDeps {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly recovery: RecoverPendingOrders;
}

export interface Schedules {
  readonly useCases: ScheduleUseCases;
  /** Each schedule's counters on this replica (for metrics). */
  readonly status: () => ScheduleStatus[];
  /** Starts the timers (and the runs due at start). */
  start(): void;
  /** No new runs; resolves when the runs in progress ended or `graceMs` passed. The same promise on every call. */
  stop(graceMs: number): Promise<void>;
}

/** The scheduled work of the server: names, settings and tasks. */
export function createSchedules({ config, logger, database, recovery }: ScheduleDeps): Schedules {
  const log = logger.child({ component: 'scheduler' });
  const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const batchSize = config.schedules.purgeBatchSize;
  const idempotency = new PostgresIdempotencyStore(database.db);
  const outbox = new PostgresOutboxStore(database.db);
  const sessions = new PostgresSessionStore(database.db, { idleTtlMs: config.auth.sessionIdleTtlMs });
  const signInAttempts = new PostgresSignInThrottle(database.db, signInThrottlePolicy(config));
  const contextOf = (run: ScheduledRun): Context => {
    // The run's span (see tracedRun) gives the trace id while tracing is on.
    const traceId = activeTraceId() ?? `${run.schedule}-${run.dueAt.getTime()}`;
    return { traceId, signal: run.signal, log: log.child({ schedule: run.schedule, trace_id: traceId }) };
  };

  const definitions: ScheduleDefinition[] = [
    {
      name: 'recover-pending-orders',
      ...settingsOf(config.schedules.recoverPendingOrders),
      // Orders a crash left pending are settled at start, not at the next due time.
      runAtStart: true,
      task: async (run) => {
        const ctx = contextOf(run);
        const report = await recovery.execute(ctx);
        if (report.resolved.length + report.failed.length > 0) ctx.log.info({ resolved: report.resolved, failed: report.failed.length }, 'pending orders recovered');
        return { resolved: report.resolved.length, failed: report.failed.length };
      },
    },
    {
      name: 'purge-idempotency-keys',
      ...settingsOf(config.schedules.purgeIdempotencyKeys),
      task: (run) => {
        const ctx = contextOf(run);
        return purgeInBatches(run.signal, batchSize, (limit) => idempotency.purgeExpired(ctx, limit));
      },
    },
    {
      name: 'purge-sessions',
      ...settingsOf(config.schedules.purgeSessions),
      task: (run) => {
        const ctx = contextOf(run);
        return purgeInBatches(run.signal, batchSize, (limit) => sessions.purgeExpired(ctx, limit));
      },
    },
    {
      name: 'purge-sign-in-attempts',
      ...settingsOf(config.schedules.purgeSignInAttempts),
      task: (run) => {
        const ctx = contextOf(run);
        return purgeInBatches(run.signal, batchSize, (limit) => signInAttempts.purgeExpired(ctx, limit));
      },
    },
    {
      name: 'purge-outbox',
      ...settingsOf(config.schedules.purgeOutbox),
      task: (run) => purgeInBatches(run.signal, batchSize, (limit) => outbox.purgePublished(new Date(Date.now() - config.events.outboxRetentionMs), limit)),
    },
  ];

  const coordinator = new PostgresScheduleCoordinator(database.db, database.pool, {
    instance,
    onSessionError: (error) => log.warn({ error: error.message }, 'the schedule lock connection failed; runs in progress are no longer exclusive'),
  });
  const scheduler = new Scheduler(definitions.map(tracedRun), { coordinator, logger: log });
  return {
    useCases: { listSchedules: new ListSchedules(scheduler, instance) },
    start: () => scheduler.start(),
    status: () => scheduler.status(),
    stop: (graceMs) => scheduler.stop(graceMs),
  };
}

/** Each run is a trace of its own: its statements and calls are spans of it. */
function tracedRun(definition: ScheduleDefinition): ScheduleDefinition {
  const name = `schedule ${definition.name}`;
  return { ...definition, task: (run) => inSpan(name, { root: true, attributes: { 'ordersvc.schedule': definition.name } }, () => definition.task(run)) };
}

function settingsOf(settings: ScheduleSettings): Pick<ScheduleDefinition, 'cron' | 'timeoutMs' | 'enabled'> {
  return { cron: settings.cron, timeoutMs: settings.timeoutMs, enabled: settings.enabled };
}
