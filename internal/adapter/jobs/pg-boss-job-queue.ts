import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { sql, type Kysely, type Transaction } from 'kysely';
import { fromKysely, PgBoss, type Db, type JobResult, type JobWithMetadata, type QueueOptions, type SendOptions } from 'pg-boss';
import { v5 as uuidv5 } from 'uuid';
import type { JobRequest, JobListQuery, JobView, QueueDepth, RetryPolicy } from '../../domain/jobs/job.ts';
import type { JobHandler, JobType } from '../../domain/jobs/job-handler.ts';
import type { JobAdmin, JobQueue } from '../../domain/jobs/job-queue.ts';
import { InvalidJobPayloadError, JobNotFoundError, JobStateConflictError, UnknownJobTypeError } from '../../domain/jobs/job.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Logger } from '../../platform/logger/logger.ts';
import { inSpan, type WorkSpan } from '../../platform/tracing/spans.ts';
import type { Database } from '../postgres/database.ts';
import { translatePgError } from '../postgres/pg-errors.ts';
import type { StatementParts } from '../postgres/statement-parts.ts';
import { deadLetterQueueOf, JobRows } from './job-rows.ts';
import { PayloadValidator } from './payload-validator.ts';

/** Enqueues `request` in the caller's transaction: it exists only if that transaction commits. */
export type EnqueueInTransaction = <P extends object>(trx: Transaction<Database>, request: JobRequest<P>) => Promise<string | undefined>;

/** Enqueues `request` as a part of the statement that saves a change: it exists only if that statement saves it. */
export type EnqueueInStatement = <P extends object>(parts: StatementParts, request: JobRequest<P>) => Promise<string | undefined>;

export interface PgBossJobQueueOptions {
  /** pg-boss gets a pool of its own (fetching and settling jobs never waits behind requests). */
  readonly connectionString: string;
  readonly poolMax: number;
  /** The service's database, for reads of the job table and the admin's transactions. */
  readonly db: Kysely<Database>;
  readonly jobTypes: readonly JobType<object>[];
  readonly retry: Required<RetryPolicy> & { readonly delayMaxSeconds: number };
  /** How long a job may run before it counts as failed (a worker that died holding it). */
  readonly expireSeconds: number;
  /** How long a dead job is kept in the dead letters. */
  readonly deadRetentionSeconds: number;
  readonly logger: Logger;
  readonly events?: JobQueueEvents | undefined;
}

/** Hooks for metrics; each is called synchronously and must not throw (a throw is logged and ignored). */
export interface JobQueueEvents {
  /**
   * A run of a job ended: `completed`, `failed` (it will be retried) or `dead`
   * (dead-lettered: its last attempt failed, or its payload was not valid).
   */
  readonly onJobFinished?: (event: { readonly queue: string; readonly outcome: 'completed' | 'failed' | 'dead'; readonly durationMs: number }) => void;
}

export interface WorkerOptions {
  readonly concurrencyOf: (queue: string) => number;
  /** Jobs one worker fetches and holds at a time. */
  readonly batchSize: number;
  /** The same per queue, where it differs (a queue of many small jobs: fetched and settled by the batch). */
  readonly batchSizeOf?: ((queue: string) => number) | undefined;
  readonly pollIntervalMs: number;
}

// Dedupe keys become job ids: pg-boss inserts with ON CONFLICT DO NOTHING, so a second job with the key is not created.
const DEDUPE_NAMESPACE = '0b5a3f9e-55a7-4d5c-9a4e-6f1c1f0e7d21';

/**
 * The durable job queue on pg-boss, in the service's PostgreSQL. Its schema
 * comes from migrations (`migrate: false`): pg-boss only checks the version.
 * One queue per job type, each with a dead letter queue `<type>.dead` that
 * receives a job after its last attempt, or at once when its payload is invalid.
 */
export class PgBossJobQueue implements JobQueue, JobAdmin {
  readonly #boss: PgBoss;
  readonly #options: PgBossJobQueueOptions;
  readonly #validator = new PayloadValidator();
  readonly #types: ReadonlyMap<string, JobType<object>>;
  readonly #rows: JobRows;
  readonly #log: Logger;
  /** Starts the workers of a queue again after a pause. */
  readonly #workers = new Map<string, () => Promise<unknown>>();
  readonly #paused = new Set<string>();
  #pausing: Promise<void> = Promise.resolve();

  constructor(options: PgBossJobQueueOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'jobs' });
    this.#types = new Map(options.jobTypes.map((jobType) => [jobType.type, jobType]));
    for (const jobType of options.jobTypes) this.#validator.register(jobType.type, jobType.payloadSchema);
    this.#rows = new JobRows([...this.#types.keys()]);
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      max: options.poolMax,
      application_name: 'ordersvc-jobs',
      migrate: false,
      createSchema: false,
      // Scheduled work is run elsewhere; this instance only queues and works jobs.
      schedule: false,
      supervise: true,
      persistWarnings: false,
      // The trace context active at enqueue is stored with the job (its own column, not the payload), so the run continues that trace.
      openTelemetry: { propagateContext: true },
    });
    this.#boss.on('error', (error) => this.#log.error({ err: error }, 'job queue error'));
    this.#boss.on('warning', (warning) => this.#log.warn({ warning: warning.data }, warning.message));
  }

  /** Connects, checks the schema version and creates (or updates) the queues. */
  async start(): Promise<void> {
    await this.#boss.start();
    try {
      for (const jobType of this.#types.values()) await this.#ensureQueues(jobType);
    } catch (error) {
      await this.#boss.stop({ graceful: false });
      throw error;
    }
  }

  /** Starts the workers: one pg-boss worker per unit of each queue's concurrency. */
  async work(handlers: readonly JobHandler<object>[], options: WorkerOptions): Promise<void> {
    for (const handler of handlers) {
      const { type } = handler.jobType;
      if (!this.#types.has(type)) throw new UnknownJobTypeError(type);
      const start = () =>
        this.#boss.work(
          type,
          {
            localConcurrency: options.concurrencyOf(type),
            batchSize: options.batchSizeOf?.(type) ?? options.batchSize,
            pollingIntervalSeconds: options.pollIntervalMs / 1000,
            includeMetadata: true,
            perJobResults: true,
          },
          (jobs) => this.#runInTurn(handler, jobs),
        );
      this.#workers.set(type, start);
      if (!this.#paused.has(type)) await start();
    }
  }

  /**
   * Pauses a queue: its workers stop fetching (jobs in hand finish; waiting
   * jobs stay queued for later or for another instance), or resumes it.
   * Changes apply one after another; a failure is logged, not thrown.
   */
  setPaused(queue: string, paused: boolean): Promise<void> {
    const change = this.#pausing.then(async () => {
      if (paused === this.#paused.has(queue)) return;
      if (paused) {
        this.#paused.add(queue);
        if (this.#workers.has(queue)) await this.#boss.offWork(queue, { wait: false });
      } else {
        this.#paused.delete(queue);
        await this.#workers.get(queue)?.();
      }
      this.#log.info({ queue, paused }, paused ? 'job queue paused' : 'job queue resumed');
    });
    this.#pausing = change.catch((error: unknown) => this.#log.error({ err: error, queue, paused }, 'pausing or resuming a job queue failed'));
    return this.#pausing;
  }

  isPaused(queue: string): boolean {
    return this.#paused.has(queue);
  }

  /**
   * Stops fetching, gives the jobs in hand `graceMs` to finish, then fails the
   * rest (they are retried later, by this or another instance) and closes the pool.
   */
  async stop(graceMs: number): Promise<void> {
    await this.#boss.stop({ graceful: true, timeout: graceMs, close: true });
  }

  readonly enqueueInTransaction: EnqueueInTransaction = (trx, request) => this.#send(request, fromKysely(trx));

  /**
   * The job as a CTE of the statement that saves a change (no transaction and
   * no round trip of its own). pg-boss still builds the insert — its columns,
   * queue defaults, dedupe and trace context — handed to a recording adapter
   * instead of a connection; the statement then runs that very SQL, with the
   * job's JSON read from the CTE of the change, so no change, no job.
   * pg-boss's insert for a queue without notify is one `INSERT … SELECT` with
   * a single parameter; any other shape is refused, not guessed at.
   */
  readonly enqueueInStatement: EnqueueInStatement = async (parts, request) => {
    let insert: { text: string; json: string } | undefined;
    let id: string | undefined;
    const recorder: Db = {
      executeSql: (text, values = []) => {
        const [json] = values;
        if (values.length !== 1 || typeof json !== 'string') throw new Error(`pg-boss built an insert with ${values.length} parameters; a statement part takes one JSON array`);
        // Every job gets its id here, so the caller learns it as from a send (a dedupe key's id is pg-boss's own).
        const jobs = (JSON.parse(json) as { id: string | null }[]).map((job) => ({ ...job, id: job.id ?? randomUUID() }));
        id = jobs[0]?.id;
        insert = { text, json: JSON.stringify(jobs) };
        return Promise.resolve({ rows: id === undefined ? [] : [{ id }] });
      },
    };
    await this.#send(request, recorder);
    if (!insert) throw new Error(`pg-boss built no insert for a job of ${request.type}`);
    const pieces = insert.text.split('$1');
    if (pieces.length !== 2 || /\$\d/.test(insert.text.replace('$1', '')) || !/^\s*INSERT\b/i.test(insert.text)) {
      throw new Error(`pg-boss built an insert for ${request.type} that is not one INSERT with one parameter (a queue with notify?)`);
    }
    const [head, tail] = pieces as [string, string];
    const json = insert.json;
    parts.add((name, after) => sql`${sql.ref(name)} AS (${sql.raw(head)}(SELECT ${json}::text FROM ${sql.ref(after)})${sql.raw(tail)})`);
    return id;
  };

  async enqueue<P extends object>(ctx: Context, request: JobRequest<P>): Promise<string | undefined> {
    ctx.signal.throwIfAborted();
    return this.#send(request);
  }

  queues(): readonly string[] {
    return [...this.#types.keys()];
  }

  async list(ctx: Context, query: JobListQuery): Promise<JobView[]> {
    return this.#read(() => this.#rows.list(this.#options.db, query, ctx.signal));
  }

  async find(_ctx: Context, id: string): Promise<JobView | undefined> {
    return this.#read(() => this.#rows.find(this.#options.db, id));
  }

  async retry(_ctx: Context, id: string): Promise<JobView> {
    return this.#read(() =>
      this.#options.db.transaction().execute(async (trx) => {
        const job = await this.#rows.find(trx, id);
        if (!job) throw new JobNotFoundError(id);
        const db = fromKysely(trx);
        // A failed job that was dead-lettered is retried through its dead copy, so it runs once, not twice.
        const deadId = job.state === 'dead' ? job.id : job.state === 'failed' ? await this.#rows.deadCopyOf(trx, job.queue, job.id) : undefined;
        if (deadId !== undefined) {
          const root = await this.#rows.rootIdOf(trx, deadLetterQueueOf(job.queue), deadId);
          await this.#boss.redrive(deadLetterQueueOf(job.queue), { ids: [deadId], db });
          const redriven = root === undefined ? undefined : await this.#rows.redrivenFrom(trx, job.queue, root);
          if (!redriven) throw new JobStateConflictError(id, job.state, 'retried now');
          return redriven;
        }
        if (job.state !== 'failed') throw new JobStateConflictError(id, job.state, 'retried');
        await this.#boss.retry(job.queue, job.id, { db });
        return (await this.#rows.find(trx, id)) ?? job;
      }),
    );
  }

  async cancel(_ctx: Context, id: string): Promise<JobView> {
    return this.#read(() =>
      this.#options.db.transaction().execute(async (trx) => {
        const job = await this.#rows.find(trx, id);
        if (!job) throw new JobNotFoundError(id);
        if (job.state !== 'created' && job.state !== 'retry') throw new JobStateConflictError(id, job.state, 'cancelled');
        const { affected } = (await this.#boss.cancel(job.queue, job.id, { db: fromKysely(trx) })) as { affected?: number };
        const after = await this.#rows.find(trx, id);
        // Claimed by a worker between the read and the cancel.
        if (!affected || !after || after.state !== 'cancelled') throw new JobStateConflictError(id, after?.state ?? job.state, 'cancelled');
        return after;
      }),
    );
  }

  async depths(_ctx: Context): Promise<QueueDepth[]> {
    return this.#read(() => this.#rows.depths(this.#options.db));
  }

  async #send<P extends object>(request: JobRequest<P>, db?: Db): Promise<string | undefined> {
    if (!this.#types.has(request.type)) throw new UnknownJobTypeError(request.type);
    const issues = this.#validator.issues(request.type, request.payload);
    if (issues.length > 0) throw new InvalidJobPayloadError(request.type, issues);
    const id = await this.#boss.send(request.type, request.payload, { ...sendOptions(request), ...(db ? { db } : {}) });
    return id ?? undefined;
  }

  // A batch saves the fetch and the completion statements, not concurrency: its jobs run one after another,
  // so a queue runs at most its concurrency of jobs at once (the handlers share the request pool).
  // A batch of one runs under the trace pg-boss resumed; in a larger batch each job is put back in its own
  // enqueuer's trace (one read for the batch), so batching does not cut a confirmation off its order's trace.
  async #runInTurn(handler: JobHandler<object>, jobs: JobWithMetadata<unknown>[]): Promise<JobResult[]> {
    const [first] = jobs;
    if (jobs.length === 1 && first) return [await this.#run(handler, first)];
    const carriers = await this.#traceCarriersOf(jobs);
    const results: JobResult[] = [];
    for (const job of jobs) {
      const carrier = carriers.get(job.id);
      const run = () => this.#run(handler, job);
      results.push(await (carrier ? context.with(propagation.extract(ROOT_CONTEXT, carrier), run) : run()));
    }
    return results;
  }

  async #traceCarriersOf(jobs: readonly JobWithMetadata<unknown>[]): Promise<Map<string, Record<string, string>>> {
    const [first] = jobs;
    // Tracing off: pg-boss's batch span is a no-op, there is no trace to continue and no statement to spend on it.
    if (!first || !trace.getActiveSpan()?.isRecording()) return new Map();
    try {
      return await this.#rows.traceContextsOf(this.#options.db, first.name, jobs.map((job) => job.id));
    } catch (error) {
      this.#log.warn({ err: error }, 'trace contexts of a job batch could not be read; its jobs run in the batch trace');
      return new Map();
    }
  }

  async #run(handler: JobHandler<object>, job: JobWithMetadata<unknown>): Promise<JobResult> {
    const startedAt = performance.now();
    const result = await this.#attempt(handler, job);
    const onJobFinished = this.#options.events?.onJobFinished;
    if (onJobFinished) {
      const dead = result.status === 'deadletter' || (result.status === 'failed' && job.retryCount + 1 > job.retryLimit);
      try {
        onJobFinished({ queue: job.name, outcome: dead ? 'dead' : result.status === 'failed' ? 'failed' : 'completed', durationMs: performance.now() - startedAt });
      } catch (error) {
        this.#log.warn({ err: error }, 'a job queue event hook threw');
      }
    }
    return result;
  }

  // A consumer span per run, under the span pg-boss resumes from the trace context stored with the job at enqueue.
  #attempt(handler: JobHandler<object>, job: JobWithMetadata<unknown>): Promise<JobResult> {
    const attributes = { 'messaging.system': 'pg-boss', 'messaging.destination.name': job.name, 'messaging.message.id': job.id, 'pgboss.job.retry_count': job.retryCount };
    return inSpan(`job ${job.name}`, { kind: 'consumer', attributes }, (span) => this.#handle(handler, job, span));
  }

  async #handle(handler: JobHandler<object>, job: JobWithMetadata<unknown>, span: WorkSpan): Promise<JobResult> {
    const attempt = job.retryCount + 1;
    const traceId = span.traceId ?? `job-${job.id}`;
    const log = this.#log.child({ trace_id: traceId, job_id: job.id, queue: job.name, attempt });
    const issues = this.#validator.issues(job.name, job.data);
    if (issues.length > 0) {
      log.warn({ issues }, 'job payload is not valid; dead-lettered without retries');
      const detail = issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
      return { id: job.id, status: 'deadletter', output: { message: `invalid payload: ${detail}`, reason: 'invalid_payload', issues } };
    }
    const ctx: Context = { traceId, signal: job.signal, log };
    try {
      await handler.handle(ctx, { id: job.id, type: job.name, payload: job.data as object, attempt });
      return { id: job.id, status: 'completed' };
    } catch (error) {
      const last = attempt > job.retryLimit;
      log[last ? 'error' : 'warn']({ err: error, retry_limit: job.retryLimit }, last ? 'job failed for the last time; dead-lettered' : 'job failed; it will be retried');
      span.fail(error);
      return { id: job.id, status: 'failed', output: { message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' } };
    }
  }

  async #ensureQueues(jobType: JobType<object>): Promise<void> {
    const dead = deadLetterQueueOf(jobType.type);
    const deadOptions: QueueOptions = { retentionSeconds: this.#options.deadRetentionSeconds, retryLimit: 0 };
    const retry = { ...this.#options.retry, ...jobType.retry };
    const options: QueueOptions & { deadLetter: string } = {
      deadLetter: dead,
      retryLimit: retry.limit,
      retryDelay: retry.delaySeconds,
      retryBackoff: retry.backoff,
      // pg-boss accepts a cap only with backoff (a fixed delay needs none).
      ...(retry.backoff ? { retryDelayMax: this.#options.retry.delayMaxSeconds } : {}),
      expireInSeconds: this.#options.expireSeconds,
    };
    for (const [name, queueOptions] of [[dead, deadOptions], [jobType.type, options]] as const) {
      if (await this.#boss.getQueue(name)) await this.#boss.updateQueue(name, queueOptions);
      else await this.#boss.createQueue(name, queueOptions);
    }
  }

  async #read<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translatePgError(error);
    }
  }
}

function sendOptions(request: JobRequest): SendOptions {
  const { options } = request;
  const send: SendOptions = {};
  if (options?.priority !== undefined) send.priority = options.priority;
  if (options?.startAfter !== undefined) send.startAfter = options.startAfter;
  if (options?.dedupeKey !== undefined) {
    send.singletonKey = options.dedupeKey;
    send.id = uuidv5(`${request.type}:${options.dedupeKey}`, DEDUPE_NAMESPACE);
  }
  if (options?.retry?.limit !== undefined) send.retryLimit = options.retry.limit;
  if (options?.retry?.delaySeconds !== undefined) send.retryDelay = options.retry.delaySeconds;
  if (options?.retry?.backoff !== undefined) send.retryBackoff = options.retry.backoff;
  return send;
}
