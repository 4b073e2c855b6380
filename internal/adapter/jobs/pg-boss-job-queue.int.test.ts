import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequest } from '../../domain/jobs/job.ts';
import type { JobHandler, JobType, ReceivedJob } from '../../domain/jobs/job-handler.ts';
import type { Context } from '../../domain/shared/context.ts';
import { createLogger } from '../../platform/logger/logger.ts';
import { until } from '../../../test/support/crash.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { PostgresNotifier } from '../postgres/postgres-notifier.ts';
import { StatementParts } from '../postgres/statement-parts.ts';
import { PgBossJobQueue } from './pg-boss-job-queue.ts';

interface EffectPayload {
  readonly key: string;
}

const EFFECT: JobType<EffectPayload> = {
  type: 'test-effect',
  payloadSchema: { type: 'object', properties: { key: { type: 'string', minLength: 1 } }, required: ['key'], additionalProperties: false },
};

/** Writes one notification per payload key; `before` runs first and may block or throw. */
class EffectHandler implements JobHandler<EffectPayload> {
  readonly jobType = EFFECT;
  readonly runs: { id: string; key: string; attempt: number; sent?: boolean }[] = [];
  readonly #notifier: PostgresNotifier;
  readonly #before: (job: ReceivedJob<EffectPayload>) => Promise<void>;
  readonly #after: (job: ReceivedJob<EffectPayload>) => Promise<void>;

  constructor(notifier: PostgresNotifier, hooks: { before?: (job: ReceivedJob<EffectPayload>) => Promise<void>; after?: (job: ReceivedJob<EffectPayload>) => Promise<void> } = {}) {
    this.#notifier = notifier;
    this.#before = hooks.before ?? (() => Promise.resolve());
    this.#after = hooks.after ?? (() => Promise.resolve());
  }

  async handle(ctx: Context, job: ReceivedJob<EffectPayload>): Promise<void> {
    const run: { id: string; key: string; attempt: number; sent?: boolean } = { id: job.id, key: job.payload.key, attempt: job.attempt };
    this.runs.push(run);
    await this.#before(job);
    // The notifier's own context: the effect is written even after the worker gave the job up.
    const { sent } = await this.#notifier.send(testContext(), {
      dedupeKey: `effect:${job.payload.key}`,
      recipientUserId: randomUUID(),
      topic: 'test',
      subject: `effect ${job.payload.key}`,
      body: 'body',
    });
    run.sent = sent;
    ctx.log.debug({ key: job.payload.key, sent }, 'effect');
    await this.#after(job);
  }
}

let database: TestDatabase;
let notifier: PostgresNotifier;
const queues: PgBossJobQueue[] = [];
const logger = createLogger({ level: 'silent' });
const WORKERS = { concurrencyOf: () => 2, batchSize: 1, pollIntervalMs: 500 };

function newQueue(): PgBossJobQueue {
  const queue = new PgBossJobQueue({
    connectionString: database.url,
    poolMax: 3,
    db: database.db,
    jobTypes: [EFFECT],
    retry: { limit: 2, delaySeconds: 0, backoff: false, delayMaxSeconds: 60 },
    expireSeconds: 60,
    deadRetentionSeconds: 3_600,
    logger,
  });
  queues.push(queue);
  return queue;
}

async function jobsOf(queue: PgBossJobQueue) {
  return queue.list(testContext(), { queue: EFFECT.type, limit: 100 });
}

async function effectCount(key: string): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE dedupe_key = $1', [`effect:${key}`]);
  return rows[0]!.n;
}

beforeAll(async () => {
  database = await createTestDatabase();
  notifier = new PostgresNotifier(database.db);
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.stop(1_000)));
  await database.pool.query("DELETE FROM pgboss.job WHERE name LIKE 'test-effect%'");
});

afterAll(async () => {
  await database?.drop();
});

describe('PgBossJobQueue', () => {
  it('when a job is enqueued inside a transaction that rolls back, then there is no job; when it commits, then there is exactly one', async () => {
    const queue = newQueue();
    await queue.start();

    await expect(
      database.db.transaction().execute(async (trx) => {
        await queue.enqueueInTransaction(trx, { type: EFFECT.type, payload: { key: 'rolled-back' } });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await jobsOf(queue)).toEqual([]);

    const id = await database.db.transaction().execute((trx) => queue.enqueueInTransaction(trx, { type: EFFECT.type, payload: { key: 'committed' } }));

    const jobs = await jobsOf(queue);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id, queue: EFFECT.type, state: 'created', payload: { key: 'committed' } });
  });

  it('when a job is a part of a statement, then it exists only when the CTE it is gated on yields a row, once per dedupe key, under the id it was given', async () => {
    const queue = newQueue();
    await queue.start();
    const request = { type: EFFECT.type, payload: { key: 'in-statement' }, options: { dedupeKey: 'in-statement' } };
    const runGated = async (gateOpen: boolean, job: JobRequest<EffectPayload> = request) => {
      const parts = new StatementParts();
      const id = await queue.enqueueInStatement(parts, job);
      await sql`WITH gate AS (SELECT 1 AS one WHERE ${gateOpen})${parts.ctes('gate')} SELECT 1`.execute(database.db);
      return id;
    };

    await runGated(false);
    expect(await jobsOf(queue)).toEqual([]);

    const id = await runGated(true);
    const again = await runGated(true);
    const undeduped = await runGated(true, { type: EFFECT.type, payload: { key: 'no-key' } });

    expect(again).toBe(id);
    const jobs = await jobsOf(queue);
    expect(jobs.map((job) => job.id).sort()).toEqual([id, undeduped].sort());
    expect(jobs.find((job) => job.id === id)).toMatchObject({ queue: EFFECT.type, state: 'created', payload: { key: 'in-statement' } });
    await expect(queue.enqueueInStatement(new StatementParts(), { type: EFFECT.type, payload: { key: 1 } as unknown as EffectPayload })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('when a payload does not match its schema at enqueue, then it is refused with the field named and nothing is queued', async () => {
    const queue = newQueue();
    await queue.start();

    await expect(queue.enqueue(testContext(), { type: EFFECT.type, payload: { key: 1 } as unknown as EffectPayload })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ field: 'payload.key', message: 'must be string' }],
    });
    await expect(queue.enqueue(testContext(), { type: 'no-such-type', payload: {} })).rejects.toMatchObject({ code: 'UNKNOWN_JOB_TYPE' });
    expect(await jobsOf(queue)).toEqual([]);
  });

  it('when a job with the same dedupe key is enqueued twice, then one job exists', async () => {
    const queue = newQueue();
    await queue.start();

    const first = await queue.enqueue(testContext(), { type: EFFECT.type, payload: { key: 'k' }, options: { dedupeKey: 'same' } });
    const second = await queue.enqueue(testContext(), { type: EFFECT.type, payload: { key: 'k' }, options: { dedupeKey: 'same' } });

    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect((await jobsOf(queue)).map((job) => job.id)).toEqual([first]);
  });

  it('when a job is delivered again after its effect was written (its completion was lost), then the effect happens once and the job completes', async () => {
    const queue = newQueue();
    await queue.start();
    const handler = new EffectHandler(notifier, {
      // The first attempt dies after its effect committed, as a worker killed before completing the job would.
      after: (job) => (job.attempt === 1 ? Promise.reject(new Error('lost before completion')) : Promise.resolve()),
    });
    await queue.work([handler], WORKERS);

    const id = await queue.enqueue(testContext(), { type: EFFECT.type, payload: { key: 'twice' } });

    const done = await until('the job to complete', async () => {
      const job = await queue.find(testContext(), id!);
      return job?.state === 'completed' ? job : undefined;
    });
    expect(done.attempts).toBe(2);
    expect(handler.runs.map((run) => [run.attempt, run.sent])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await effectCount('twice')).toBe(1);
  });

  it('when a job keeps failing, then after its last attempt it is dead with its last error, and a retry runs it again', async () => {
    const queue = newQueue();
    await queue.start();
    let healthy = false;
    const handler = new EffectHandler(notifier, { before: (job) => (healthy ? Promise.resolve() : Promise.reject(new Error(`boom on attempt ${job.attempt}`))) });
    await queue.work([handler], WORKERS);

    const id = await queue.enqueue(testContext(), { type: EFFECT.type, payload: { key: 'flaky' } });

    const dead = await until('the job to be dead-lettered', async () => (await queue.list(testContext(), { queue: EFFECT.type, state: 'dead', limit: 10 }))[0]);
    expect(dead).toMatchObject({ queue: EFFECT.type, state: 'dead', attempts: 3, lastError: 'boom on attempt 3', originalId: id, payload: { key: 'flaky' } });
    expect(await queue.find(testContext(), id!)).toMatchObject({ state: 'failed', attempts: 3, lastError: 'boom on attempt 3' });
    expect((await queue.depths(testContext()))[0]!.counts).toMatchObject({ failed: 1, dead: 1 });

    healthy = true;
    const retried = await queue.retry(testContext(), dead.id);

    expect(retried).toMatchObject({ queue: EFFECT.type, state: 'created' });
    await until('the retried job to complete', async () => ((await queue.find(testContext(), retried.id))?.state === 'completed' ? true : undefined));
    expect(await effectCount('flaky')).toBe(1);
    expect(await queue.list(testContext(), { queue: EFFECT.type, state: 'dead', limit: 10 })).toEqual([]);
  });

  it('when a job arrives with a payload that does not match its schema, then it goes straight to the dead letters with the reason, without retries', async () => {
    const queue = newQueue();
    await queue.start();
    const handler = new EffectHandler(notifier);
    await queue.work([handler], WORKERS);
    // An older producer (or a hand-made job) that skipped the enqueue-side check.
    const producer = new PgBoss({ connectionString: database.url, max: 1, migrate: false, supervise: false, schedule: false, registerInstance: false });
    producer.on('error', () => undefined);
    await producer.start();
    const id = await producer.send(EFFECT.type, { key: 42, extra: true });
    await producer.stop({ graceful: false });

    const dead = await until('the job to be dead-lettered', async () => (await queue.list(testContext(), { queue: EFFECT.type, state: 'dead', limit: 10 }))[0]);

    expect(dead.originalId).toBe(id);
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/^invalid payload: /);
    expect(dead.lastError).toContain('payload.key must be string');
    expect(handler.runs).toEqual([]);
  });

  it('when workers stop with jobs in flight, then those that finish in the grace period complete, the rest are retried by the next worker, and every job has its effect exactly once', async () => {
    const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const gate = (key: string) => {
      if (!gates.has(key)) {
        let resolve = (): void => undefined;
        const promise = new Promise<void>((done) => (resolve = done));
        gates.set(key, { promise, resolve: () => resolve() });
      }
      return gates.get(key)!;
    };
    const first = newQueue();
    await first.start();
    const blocked = new EffectHandler(notifier, { before: (job) => gate(job.payload.key).promise });
    await first.work([blocked], WORKERS);
    const keys = ['a', 'b', 'c', 'd'];
    for (const key of keys) await first.enqueue(testContext(), { type: EFFECT.type, payload: { key } });
    await until('two jobs in hand', () => Promise.resolve(blocked.runs.length === 2 ? true : undefined));
    const [quick, slow] = blocked.runs.map((run) => run.key) as [string, string];

    const stopping = first.stop(1_000);
    gate(quick).resolve();
    await stopping;
    // The slow handler ends only after the grace period: its effect lands after its job was given up.
    gate(slow).resolve();
    await until('the slow effect', async () => ((await effectCount(slow)) === 1 ? true : undefined));

    const second = newQueue();
    await second.start();
    const free = new EffectHandler(notifier);
    await second.work([free], WORKERS);
    await until('every job completed', async () => ((await jobsOf(second)).every((job) => job.state === 'completed') ? true : undefined), { timeoutMs: 20_000 });

    for (const key of keys) expect(await effectCount(key)).toBe(1);
    const jobs = await jobsOf(second);
    expect(jobs).toHaveLength(4);
    const byKey = new Map(jobs.map((job) => [(job.payload as EffectPayload).key, job]));
    expect(byKey.get(quick)?.attempts).toBe(1);
    expect(byKey.get(slow)?.attempts).toBe(2);
    expect(free.runs.find((run) => run.key === slow)?.sent).toBe(false);
    expect(free.runs.map((run) => run.key).sort()).toEqual(keys.filter((key) => key !== quick).sort());
  });
});
