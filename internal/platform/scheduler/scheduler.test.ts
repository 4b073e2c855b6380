import { describe, expect, it } from 'vitest';
import type { SchedulerClock } from './clock.ts';
import type { ClaimResult, RunOutcome, RunSlot, ScheduleCoordinator } from './schedule-coordinator.ts';
import { Scheduler, ScheduleTimeoutError, SchedulerStoppedError, type ScheduleDefinition, type ScheduledRun } from './scheduler.ts';

/** Time that moves only when the test says so; timers fire in due order. */
class ManualClock implements SchedulerClock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; seq: number; callback: () => void }>();

  constructor(start: string) {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    this.#seq += 1;
    this.#timers.set(this.#seq, { at: this.#now + delayMs, seq: this.#seq, callback });
    return this.#seq;
  }

  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Moves forward `ms`, firing each timer at its time and letting the promises it starts settle. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (let next = this.#earliest(end); next; next = this.#earliest(end)) {
      this.#now = Math.max(this.#now, next.at);
      this.#timers.delete(next.seq);
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  /** The process was frozen for `ms` (a stalled event loop): time jumps, then the timers that came due fire late. */
  async stall(ms: number): Promise<void> {
    this.#now += ms;
    await this.advance(0);
  }

  #earliest(end: number): { at: number; seq: number; callback: () => void } | undefined {
    let earliest: { at: number; seq: number; callback: () => void } | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.at > end) continue;
      if (!earliest || timer.at < earliest.at || (timer.at === earliest.at && timer.seq < earliest.seq)) earliest = timer;
    }
    return earliest;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Replicas' shared state (what PostgreSQL holds in production): held locks and the due times run. */
class SharedState {
  readonly locks = new Set<string>();
  readonly slots = new Map<string, string>();
  readonly finished: { schedule: string; dueAt: Date; outcome: RunOutcome; instance: string }[] = [];
}

class InMemoryCoordinator implements ScheduleCoordinator {
  readonly claims: RunSlot[] = [];
  override: (() => ClaimResult | Promise<ClaimResult>) | undefined;
  closed = false;
  readonly #shared: SharedState;
  readonly #instance: string;

  constructor(shared = new SharedState(), instance = 'a') {
    this.#shared = shared;
    this.#instance = instance;
  }

  claim(slot: RunSlot): Promise<ClaimResult> {
    this.claims.push(slot);
    if (this.override) return Promise.resolve(this.override());
    if (this.#shared.locks.has(slot.schedule)) return Promise.resolve({ kind: 'busy' });
    const key = `${slot.schedule}@${slot.dueAt.toISOString()}`;
    if (this.#shared.slots.has(key)) return Promise.resolve({ kind: 'already_run' });
    this.#shared.locks.add(slot.schedule);
    this.#shared.slots.set(key, this.#instance);
    return Promise.resolve({
      kind: 'claimed',
      lease: {
        finish: (outcome) => {
          this.#shared.finished.push({ schedule: slot.schedule, dueAt: slot.dueAt, outcome, instance: this.#instance });
          this.#shared.locks.delete(slot.schedule);
          return Promise.resolve();
        },
      },
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function every(cron: string, task: ScheduleDefinition['task'], overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return { name: 'work', cron, timeoutMs: 60_000, enabled: true, task, ...overrides };
}

/** A task that takes `ms` of the clock's time and records when it ran. */
function taking(clock: ManualClock, ms: number, log: { start: number; end: number; dueAt: Date }[]): ScheduleDefinition['task'] {
  return (run: ScheduledRun) =>
    new Promise((resolve) => {
      const start = clock.now().getTime();
      clock.setTimer(() => {
        log.push({ start, end: clock.now().getTime(), dueAt: run.dueAt });
        resolve(undefined);
      }, ms);
    });
}

function expectNoOverlap(log: readonly { start: number; end: number }[]): void {
  const sorted = [...log].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
}

describe('Scheduler', () => {
  it('when a schedule every second has runs that take three seconds, then runs never overlap and each due time in between is skipped and counted', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const log: { start: number; end: number; dueAt: Date }[] = [];
    const coordinator = new InMemoryCoordinator();
    const scheduler = new Scheduler([every('* * * * * *', taking(clock, 3_000, log))], { coordinator, logger: silent, clock });

    scheduler.start();
    await clock.advance(12_500);

    expectNoOverlap(log);
    expect(log.map((run) => run.dueAt.toISOString())).toEqual(['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:04.000Z', '2030-01-01T00:00:07.000Z']);
    const [status] = scheduler.status();
    expect(status).toMatchObject({ runs: 4, succeeded: 3, failed: 0, skipped: { running: 8, locked: 0, alreadyRun: 0, missed: 0 } });
    expect(status!.running?.dueAt).toEqual(new Date('2030-01-01T00:00:10.000Z'));
    // Nothing waits behind the run in progress: only the next due time's timer and the task's own.
    expect(clock.pendingTimers).toBe(3);

    const stopped = scheduler.stop(10_000);
    await clock.advance(1_000);
    await stopped;
    expect(coordinator.closed).toBe(true);
    expect(log).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('when the process stalls past several due times, then it runs once, for the latest, and counts the others as missed', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const dueTimes: Date[] = [];
    const coordinator = new InMemoryCoordinator();
    const scheduler = new Scheduler([every('* * * * * *', (run) => Promise.resolve(void dueTimes.push(run.dueAt)))], { coordinator, logger: silent, clock });
    scheduler.start();

    await clock.stall(10_500);

    expect(dueTimes).toEqual([new Date('2030-01-01T00:00:10.000Z')]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, succeeded: 1, skipped: { missed: 9, running: 0 }, nextDueAt: new Date('2030-01-01T00:00:11.000Z') });
    await clock.advance(1_000);
    expect(dueTimes).toHaveLength(2);
    await scheduler.stop(1_000);
  });

  it('when a run passes its timeout, then its signal aborts, it is recorded as timed out, and the schedule stays blocked until the task returns', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const shared = new SharedState();
    const coordinator = new InMemoryCoordinator(shared);
    const signals: AbortSignal[] = [];
    // Ignores its signal and returns after 2.5 s.
    const task = (run: ScheduledRun) => {
      signals.push(run.signal);
      return new Promise<undefined>((resolve) => clock.setTimer(() => resolve(undefined), 2_500));
    };
    const scheduler = new Scheduler([every('* * * * * *', task, { timeoutMs: 500 })], { coordinator, logger: silent, clock });
    scheduler.start();

    await clock.advance(1_600);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(ScheduleTimeoutError);
    expect(scheduler.status()[0]).toMatchObject({ timedOut: 1, running: { timedOut: true } });
    expect(shared.locks.has('work')).toBe(true);
    expect(shared.finished).toEqual([]);

    await clock.advance(1_950);

    expect(signals).toHaveLength(1);
    expect(shared.finished).toEqual([expect.objectContaining({ outcome: { status: 'timed_out', durationMs: 2_500, error: undefined, result: undefined } })]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, timedOut: 1, succeeded: 0, failed: 0, running: undefined, skipped: { running: 2 } });
    expect(scheduler.status()[0]?.lastRun).toMatchObject({ status: 'timed_out', durationMs: 2_500 });
    await scheduler.stop(1_000);
  });

  it('when a task honours its signal at the timeout, then the run ends at the timeout as timed out', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const task = (run: ScheduledRun) =>
      new Promise<undefined>((_resolve, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason as Error), { once: true }));
    const scheduler = new Scheduler([every('*/10 * * * * *', task, { timeoutMs: 300 })], { coordinator: new InMemoryCoordinator(), logger: silent, clock });
    scheduler.start();

    await clock.advance(10_300);

    expect(scheduler.status()[0]).toMatchObject({ runs: 1, timedOut: 1, running: undefined });
    expect(scheduler.status()[0]?.lastRun).toMatchObject({ status: 'timed_out', durationMs: 300, error: expect.stringContaining('timeout of 300 ms') });
    await scheduler.stop(1_000);
  });

  it.each([
    { claim: { kind: 'busy' } as const, counter: 'locked' },
    { claim: { kind: 'already_run' } as const, counter: 'alreadyRun' },
  ])('when the coordinator answers $claim.kind, then the run is skipped and counted as $counter', async ({ claim, counter }) => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const coordinator = new InMemoryCoordinator();
    coordinator.override = () => claim;
    let ran = 0;
    const scheduler = new Scheduler([every('* * * * * *', () => Promise.resolve(void (ran += 1)))], { coordinator, logger: silent, clock });
    scheduler.start();

    await clock.advance(3_000);

    expect(ran).toBe(0);
    expect(scheduler.status()[0]).toMatchObject({ runs: 0, skipped: { [counter]: 3 } });
    await scheduler.stop(1_000);
  });

  it('when the coordinator cannot be reached, then the run is skipped and counted as unavailable, and the next due time tries again', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const coordinator = new InMemoryCoordinator();
    coordinator.override = () => Promise.reject(new Error('connection refused'));
    let ran = 0;
    const scheduler = new Scheduler([every('* * * * * *', () => Promise.resolve(void (ran += 1)))], { coordinator, logger: silent, clock });
    scheduler.start();

    await clock.advance(2_000);
    coordinator.override = undefined;
    await clock.advance(1_000);

    expect(ran).toBe(1);
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, skipped: { unavailable: 2 } });
    await scheduler.stop(1_000);
  });

  it('when two schedulers share the coordination, then each due time runs on one of them only and never two runs at once', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const shared = new SharedState();
    const log: { start: number; end: number; dueAt: Date }[] = [];
    const a = new Scheduler([every('* * * * * *', taking(clock, 1_500, log))], { coordinator: new InMemoryCoordinator(shared, 'a'), logger: silent, clock });
    const b = new Scheduler([every('* * * * * *', taking(clock, 1_500, log))], { coordinator: new InMemoryCoordinator(shared, 'b'), logger: silent, clock });
    a.start();
    b.start();

    await clock.advance(10_000);

    expectNoOverlap(log);
    const dueTimes = log.map((run) => run.dueAt.toISOString());
    expect(new Set(dueTimes).size).toBe(dueTimes.length);
    const [sa, sb] = [a.status()[0]!, b.status()[0]!];
    expect(sa.runs + sb.runs).toBe(shared.slots.size);
    expect(sa.skipped.locked + sb.skipped.locked + sa.skipped.running + sb.skipped.running).toBeGreaterThan(0);
    const stopped = Promise.all([a.stop(5_000), b.stop(5_000)]);
    await clock.advance(2_000);
    await stopped;
  });

  it('when a schedule runs at start, then it runs at once and again at its due times', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.250Z');
    const runs: ScheduledRun[] = [];
    const scheduler = new Scheduler([every('* * * * * *', (run) => Promise.resolve(void runs.push(run)), { runAtStart: true })], {
      coordinator: new InMemoryCoordinator(),
      logger: silent,
      clock,
    });

    scheduler.start();
    await clock.advance(1_000);

    expect(runs.map((run) => [run.trigger, run.dueAt.toISOString()])).toEqual([
      ['start', '2030-01-01T00:00:00.250Z'],
      ['cron', '2030-01-01T00:00:01.000Z'],
    ]);
    await scheduler.stop(1_000);
  });

  it('when a task fails, then the failure is counted with its error and the next due time runs', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    let calls = 0;
    const task = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('database on fire')) : Promise.resolve({ removed: 3 });
    };
    const scheduler = new Scheduler([every('* * * * * *', task)], { coordinator: new InMemoryCoordinator(), logger: silent, clock });
    scheduler.start();

    await clock.advance(1_000);
    expect(scheduler.status()[0]).toMatchObject({ failed: 1, lastRun: { status: 'failed', error: 'database on fire' } });
    await clock.advance(1_000);

    expect(scheduler.status()[0]).toMatchObject({ runs: 2, failed: 1, succeeded: 1, lastRun: { status: 'succeeded', result: { removed: 3 } } });
    await scheduler.stop(1_000);
  });

  it('when stopping with a run in progress, then it waits for the run within the grace period', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const shared = new SharedState();
    const log: { start: number; end: number; dueAt: Date }[] = [];
    const scheduler = new Scheduler([every('* * * * * *', taking(clock, 2_000, log))], { coordinator: new InMemoryCoordinator(shared), logger: silent, clock });
    scheduler.start();
    await clock.advance(1_500);

    let stopped = false;
    const stopping = scheduler.stop(5_000).then(() => (stopped = true));
    await clock.advance(1_000);
    expect(stopped).toBe(false);
    await clock.advance(500);
    await stopping;

    expect(log).toHaveLength(1);
    expect(shared.finished.map((run) => run.outcome.status)).toEqual(['succeeded']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('when a run outlasts the grace period, then stopping aborts its signal and gives the schedule up', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    const coordinator = new InMemoryCoordinator();
    let signal: AbortSignal | undefined;
    const task = (run: ScheduledRun) => {
      signal = run.signal;
      return new Promise<undefined>(() => undefined);
    };
    const scheduler = new Scheduler([every('* * * * * *', task)], { coordinator, logger: silent, clock });
    scheduler.start();
    await clock.advance(1_000);

    const stopping = scheduler.stop(2_000);
    await clock.advance(3_000);
    await stopping;

    expect(signal?.reason).toBeInstanceOf(SchedulerStoppedError);
    expect(coordinator.closed).toBe(true);
  });

  it('when a schedule is disabled, then it never runs and sets no timer', async () => {
    const clock = new ManualClock('2030-01-01T00:00:00.000Z');
    let ran = 0;
    const scheduler = new Scheduler([every('* * * * * *', () => Promise.resolve(void (ran += 1)), { enabled: false })], {
      coordinator: new InMemoryCoordinator(),
      logger: silent,
      clock,
    });
    scheduler.start();

    await clock.advance(5_000);

    expect(ran).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(scheduler.status()[0]).toMatchObject({ enabled: false, nextDueAt: undefined, runs: 0 });
    await scheduler.stop(1_000);
  });

  it.each(['every minute', '61 * * * * *', '* * * * * * *', '0 0 31 2 *'])('when a schedule has the cron expression %j, then it is refused with the reason', (cron) => {
    expect(() => new Scheduler([every(cron, () => Promise.resolve())], { coordinator: new InMemoryCoordinator(), logger: silent })).toThrow(
      new RegExp(`${JSON.stringify(cron).replace(/[*]/g, '\\*')} (is not a cron expression|never comes due)`),
    );
  });
});
