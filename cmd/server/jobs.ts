import type { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';
import { PgBossJobQueue, type EnqueueInStatement, type EnqueueInTransaction, type JobQueueEvents } from '../../internal/adapter/jobs/pg-boss-job-queue.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { PostgresNotifier } from '../../internal/adapter/postgres/postgres-notifier.ts';
import { CancelJob } from '../../internal/app/jobs/cancel-job.use-case.ts';
import { GetJob } from '../../internal/app/jobs/get-job.use-case.ts';
import { GetQueueDepths } from '../../internal/app/jobs/get-queue-depths.use-case.ts';
import { ListJobs } from '../../internal/app/jobs/list-jobs.use-case.ts';
import { ListNotifications } from '../../internal/app/jobs/list-notifications.use-case.ts';
import { ORDER_CONFIRMATION, OrderConfirmationHandler } from '../../internal/app/jobs/order-confirmation.job.ts';
import { ORDER_RECOVERY, OrderRecoveryHandler } from '../../internal/app/jobs/order-recovery.job.ts';
import { RetryJob } from '../../internal/app/jobs/retry-job.use-case.ts';
import type { RecoverPendingOrders } from '../../internal/app/orders/recover-pending-orders.use-case.ts';
import type { JobHandler, JobType } from '../../internal/domain/jobs/job-handler.ts';
import type { JobAdmin, JobQueue } from '../../internal/domain/jobs/job-queue.ts';
import type { OrderRepository } from '../../internal/domain/order/order-repository.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { JobUseCases } from '../../internal/transport/http/jobs/jobs.routes.ts';

/**
 * Every job type. To add one: define its `JobType` (name, payload schema,
 * retry policy) beside its handler in internal/app/jobs/, list it here, and
 * construct its handler in `handlersOf` below.
 */
export const JOB_TYPES: readonly JobType<object>[] = [ORDER_CONFIRMATION, ORDER_RECOVERY];

/** What the handlers need from the rest of the service. */
export interface JobDeps {
  readonly orders: OrderRepository;
  readonly recovery: RecoverPendingOrders;
}

function handlersOf(deps: JobDeps, notifier: PostgresNotifier): JobHandler<object>[] {
  return [new OrderConfirmationHandler(deps.orders, notifier), new OrderRecoveryHandler(deps.recovery)];
}

export interface Jobs {
  /** For adapters that enqueue in their own transaction (the order repository when an order is paid). */
  readonly enqueueInTransaction: EnqueueInTransaction;
  /** For adapters that write a change in one statement: the job becomes a part of that statement. */
  readonly enqueueInStatement: EnqueueInStatement;
  readonly queue: JobQueue;
  /** Jobs per queue and state, dead letters included (for metrics; no access check). */
  readonly depths: JobAdmin['depths'];
  /** The admin operations; those that need the started queue fail until it is. */
  readonly useCases: JobUseCases;
  /** Starts the queue and, when `jobs.enabled`, the workers. Call once. */
  start(deps: JobDeps): Promise<StartedJobs>;
  /** The queues (one per job type). */
  readonly queueNames: readonly string[];
  /** Workers stop fetching jobs of `queue` while paused (a kill switch); may be called before `start`. */
  setPaused(queue: string, paused: boolean): Promise<void>;
}

export interface StartedJobs {
  /** Workers stop fetching, jobs in hand get the grace period, the rest are retried later. */
  stop(): Promise<void>;
}

/** The job queue on the service's PostgreSQL; nothing runs until `start`. */
export function createJobs(config: AppConfig, logger: Logger, database: DatabaseHandle, cursors: CursorSeal, events?: JobQueueEvents): Jobs {
  const concurrency = concurrencyByQueue(config);
  const batchSizes = batchSizeByQueue(config);
  const queue = new PgBossJobQueue({
    connectionString: connectionStringOf(database),
    poolMax: config.jobs.poolMax,
    db: database.db,
    jobTypes: JOB_TYPES,
    retry: {
      limit: config.jobs.retryLimit,
      delaySeconds: config.jobs.retryDelaySeconds,
      backoff: config.jobs.retryBackoff,
      delayMaxSeconds: config.jobs.retryDelayMaxSeconds,
    },
    expireSeconds: config.jobs.expireSeconds,
    deadRetentionSeconds: config.jobs.deadRetentionDays * 86_400,
    logger,
    events,
  });
  const notifier = new PostgresNotifier(database.db);
  return {
    enqueueInTransaction: queue.enqueueInTransaction,
    enqueueInStatement: queue.enqueueInStatement,
    queue,
    depths: (ctx) => queue.depths(ctx),
    queueNames: queue.queues(),
    setPaused: (name, paused) => queue.setPaused(name, paused),
    useCases: {
      listJobs: new ListJobs(queue, cursors),
      getJob: new GetJob(queue),
      retryJob: new RetryJob(queue),
      cancelJob: new CancelJob(queue),
      getQueueDepths: new GetQueueDepths(queue),
      listNotifications: new ListNotifications(notifier, cursors),
    },
    async start(deps) {
      await queue.start();
      try {
        if (config.jobs.enabled) {
          await queue.work(handlersOf(deps, notifier), {
            concurrencyOf: (name) => concurrency.get(name) ?? config.jobs.concurrency,
            batchSize: config.jobs.batchSize,
            batchSizeOf: (name) => batchSizes.get(name) ?? config.jobs.batchSize,
            pollIntervalMs: Math.max(500, config.jobs.pollIntervalMs),
          });
        }
      } catch (error) {
        await queue.stop(0);
        throw error;
      }
      return { stop: () => queue.stop(config.jobs.shutdownGraceMs) };
    },
  };
}

/**
 * `jobs.queueConcurrency` as a map, checked against the known queues and
 * against `jobs.maxHeldJobs`, so a process never holds more jobs than that
 * (concurrency × batch size, per queue, summed).
 */
export function concurrencyByQueue(config: AppConfig): Map<string, number> {
  const byQueue = perQueue('JOBS_QUEUE_CONCURRENCY', config.jobs.queueConcurrency);
  const batches = batchSizeByQueue(config);
  const held = JOB_TYPES.reduce((sum, { type }) => sum + (byQueue.get(type) ?? config.jobs.concurrency) * (batches.get(type) ?? config.jobs.batchSize), 0);
  if (config.jobs.enabled && held > config.jobs.maxHeldJobs) {
    throw new Error(`the job workers would hold up to ${held} jobs, more than JOBS_MAX_HELD=${config.jobs.maxHeldJobs}: lower the concurrency or the batch size`);
  }
  return byQueue;
}

/** `jobs.queueBatchSize` as a map, checked against the known queues. */
export function batchSizeByQueue(config: AppConfig): Map<string, number> {
  return perQueue('JOBS_QUEUE_BATCH_SIZE', config.jobs.queueBatchSize);
}

// A comma-separated list of queue=n pairs (n at least 1) naming known queues only.
function perQueue(variable: string, setting: string): Map<string, number> {
  const known = new Set(JOB_TYPES.map((jobType) => jobType.type));
  const byQueue = new Map<string, number>();
  for (const entry of setting.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([\w.\-/]+)=(\d+)$/.exec(entry);
    const [, name, value] = match ?? [];
    if (name === undefined || value === undefined || Number(value) < 1) throw new Error(`${variable}: "${entry}" is not queue=n with n at least 1`);
    if (!known.has(name)) throw new Error(`${variable}: there is no queue ${name} (queues: ${[...known].join(', ')})`);
    byQueue.set(name, Number(value));
  }
  return byQueue;
}

function connectionStringOf(database: DatabaseHandle): string {
  const url = database.pool.options.connectionString;
  if (!url) throw new Error('the database pool has no connection string for the job queue');
  return url;
}
