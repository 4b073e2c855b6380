import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/support/crash.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { sleep } from '../../platform/resilience/abortable.ts';
import type { ClaimResult, RunLease } from '../../platform/scheduler/schedule-coordinator.ts';
import { Scheduler, ScheduleTimeoutError, type ScheduledRun } from '../../platform/scheduler/scheduler.ts';
import { PostgresScheduleCoordinator } from './postgres-schedule-coordinator.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let database: TestDatabase;
const open: (PostgresScheduleCoordinator | Scheduler)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const item of open) await (item instanceof Scheduler ? item.stop(5_000) : item.close());
  await database?.drop();
});

function coordinator(instance: string): PostgresScheduleCoordinator {
  const created = new PostgresScheduleCoordinator(database.db, database.pool, { instance });
  open.push(created);
  return created;
}

function leaseOf(claim: ClaimResult): RunLease {
  if (claim.kind !== 'claimed') throw new Error(`expected a claimed run, got ${claim.kind}`);
  return claim.lease;
}

async function runsOf(schedule: string) {
  return database.db.selectFrom('schedule_runs').selectAll().where('schedule', '=', schedule).orderBy('due_at').execute();
}

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));

describe('PostgresScheduleCoordinator', () => {
  it('when one replica holds a schedule, then another is refused until the run finishes, and a due time already run is refused for good', async () => {
    const a = coordinator('replica-a');
    const b = coordinator('replica-b');

    const lease = leaseOf(await a.claim({ schedule: 'exclusive', dueAt: at(1), trigger: 'cron' }));
    expect(await b.claim({ schedule: 'exclusive', dueAt: at(2), trigger: 'cron' })).toEqual({ kind: 'busy' });
    expect(await b.claim({ schedule: 'another', dueAt: at(2), trigger: 'cron' })).toMatchObject({ kind: 'claimed' });
    await lease.finish({ status: 'succeeded', durationMs: 12.4, result: { removed: 3 } });

    expect(await b.claim({ schedule: 'exclusive', dueAt: at(1), trigger: 'cron' })).toEqual({ kind: 'already_run' });
    await leaseOf(await b.claim({ schedule: 'exclusive', dueAt: at(2), trigger: 'cron' })).finish({ status: 'failed', durationMs: 5, error: 'boom' });
    expect(await runsOf('exclusive')).toEqual([
      expect.objectContaining({ due_at: at(1), instance: 'replica-a', status: 'succeeded', duration_ms: 12, result: { removed: 3 }, error: null, trigger: 'cron' }),
      expect.objectContaining({ due_at: at(2), instance: 'replica-b', status: 'failed', duration_ms: 5, error: 'boom' }),
    ]);
  });

  it('when the replica holding a schedule loses its connection, then the lock goes with it and another replica may run', async () => {
    const a = new PostgresScheduleCoordinator(database.db, database.pool, { instance: 'replica-a' });
    const b = coordinator('replica-b');
    leaseOf(await a.claim({ schedule: 'crashed', dueAt: at(1), trigger: 'cron' }));

    await a.close();

    const lease = leaseOf(await b.claim({ schedule: 'crashed', dueAt: at(2), trigger: 'cron' }));
    await lease.finish({ status: 'succeeded', durationMs: 1 });
    const runs = await runsOf('crashed');
    expect(runs.map((run) => [run.instance, run.status])).toEqual([
      ['replica-a', 'abandoned'],
      ['replica-b', 'succeeded'],
    ]);
    expect(runs[0]?.finished_at).toBeInstanceOf(Date);
  });
});

describe('Scheduler over PostgreSQL', () => {
  it('when two schedulers run a schedule every second whose runs take three seconds, then no two runs overlap, each due time runs once, and the skips are counted', async () => {
    const intervals: { start: number; end: number; instance: string }[] = [];
    const task = (instance: string) => async (run: ScheduledRun) => {
      const start = Date.now();
      await sleep(3_000, run.signal);
      intervals.push({ start, end: Date.now(), instance });
    };
    const definition = { name: 'slow-every-second', cron: '* * * * * *', timeoutMs: 10_000, enabled: true };
    const a = new Scheduler([{ ...definition, task: task('a') }], { coordinator: coordinator('a'), logger: silent });
    const b = new Scheduler([{ ...definition, task: task('b') }], { coordinator: coordinator('b'), logger: silent });
    open.push(a, b);
    a.start();
    b.start();

    await until('two runs to finish', () => Promise.resolve(intervals.length >= 2 ? true : undefined), { timeoutMs: 15_000 });
    await Promise.all([a.stop(5_000), b.stop(5_000)]);

    const sorted = [...intervals].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
    const rows = await runsOf('slow-every-second');
    expect(rows.length).toBe(intervals.length);
    expect(rows.every((row) => row.status === 'succeeded')).toBe(true);
    const [sa, sb] = [a.status()[0]!, b.status()[0]!];
    expect(sa.runs + sb.runs).toBe(rows.length);
    // While a run lasts three seconds, the two or three due times during it are skipped on both replicas.
    const skips = (s: typeof sa) => s.skipped.running + s.skipped.locked + s.skipped.alreadyRun;
    expect(skips(sa) + skips(sb)).toBeGreaterThanOrEqual(2 * rows.length);
  }, 20_000);

  it('when a run passes its timeout, then its signal aborts and the run is recorded as timed out', async () => {
    let reason: unknown;
    const task = (run: ScheduledRun) =>
      new Promise<undefined>((_resolve, reject) =>
        run.signal.addEventListener(
          'abort',
          () => {
            reason = run.signal.reason;
            reject(run.signal.reason as Error);
          },
          { once: true },
        ),
      );
    const scheduler = new Scheduler([{ name: 'too-slow', cron: '* * * * * *', timeoutMs: 200, enabled: true, task }], { coordinator: coordinator('a'), logger: silent });
    open.push(scheduler);
    scheduler.start();

    const [row] = await until('a timed-out run', async () => {
      const rows = await runsOf('too-slow');
      return rows.some((run) => run.status === 'timed_out') ? rows : undefined;
    }, { timeoutMs: 5_000 });
    await scheduler.stop(5_000);

    expect(reason).toBeInstanceOf(ScheduleTimeoutError);
    expect(row).toMatchObject({ status: 'timed_out', error: expect.stringContaining('timeout of 200 ms') });
    expect(row!.duration_ms).toBeGreaterThanOrEqual(190);
    expect(scheduler.status()[0]!.timedOut).toBeGreaterThanOrEqual(1);
  });

  it('when a task ignores its signal past the timeout, then the schedule stays locked on every replica until the task returns', async () => {
    let finishTask: () => void = () => undefined;
    const task = () => new Promise<undefined>((resolve) => (finishTask = () => resolve(undefined)));
    const scheduler = new Scheduler([{ name: 'stubborn', cron: '* * * * * *', timeoutMs: 100, enabled: true, task }], { coordinator: coordinator('a'), logger: silent });
    open.push(scheduler);
    const other = coordinator('b');
    scheduler.start();

    await until('the run to pass its timeout', () => Promise.resolve(scheduler.status()[0]?.running?.timedOut ? true : undefined), { timeoutMs: 5_000 });
    expect(await other.claim({ schedule: 'stubborn', dueAt: at(1), trigger: 'cron' })).toEqual({ kind: 'busy' });
    finishTask();
    await until('the run to be recorded', async () => ((await runsOf('stubborn')).some((run) => run.status === 'timed_out') ? true : undefined), { timeoutMs: 5_000 });
    await scheduler.stop(5_000);

    const claim = await other.claim({ schedule: 'stubborn', dueAt: at(1), trigger: 'cron' });
    expect(claim.kind).toBe('claimed');
    await leaseOf(claim).finish({ status: 'succeeded', durationMs: 1 });
  });
});
