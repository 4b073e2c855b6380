import { systemClock, type SchedulerClock } from './clock.ts';
import { CronSchedule } from './cron-schedule.ts';
import type { RunStatus, RunTrigger, ScheduleCoordinator } from './schedule-coordinator.ts';

/** What a scheduled task is handed. */
export interface ScheduledRun {
  readonly schedule: string;
  readonly dueAt: Date;
  readonly trigger: RunTrigger;
  /** Aborts at the schedule's timeout, or when the scheduler stops and the grace period is over. */
  readonly signal: AbortSignal;
}

/** The work; it may return a few counts that are kept with the run. */
export type ScheduledTask = (run: ScheduledRun) => Promise<Readonly<Record<string, number>> | undefined | void>;

export interface ScheduleDefinition {
  readonly name: string;
  readonly cron: string;
  readonly timeoutMs: number;
  readonly enabled: boolean;
  /** Also run once when the scheduler starts (settling what a crash left behind). */
  readonly runAtStart?: boolean;
  readonly task: ScheduledTask;
}

export interface SkipCounts {
  /** Due while the previous run was still going on this replica. */
  running: number;
  /** Due while a run was going on another replica. */
  locked: number;
  /** Due time already run by another replica. */
  alreadyRun: number;
  /** Due times that passed while the process could not wake up in time (a stalled event loop, a suspended machine). */
  missed: number;
  /** The database could not be asked whether the run may start. */
  unavailable: number;
}

export interface RunRecord {
  readonly dueAt: Date;
  readonly trigger: RunTrigger;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: RunStatus;
  readonly durationMs: number;
  readonly error?: string | undefined;
  readonly result?: Readonly<Record<string, number>> | undefined;
}

/** Counters of one schedule on this replica (they start at zero with the process). */
export interface ScheduleStatus {
  readonly name: string;
  readonly cron: string;
  readonly enabled: boolean;
  readonly timeoutMs: number;
  readonly nextDueAt: Date | undefined;
  readonly running: { readonly dueAt: Date; readonly startedAt: Date; readonly timedOut: boolean } | undefined;
  readonly runs: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly skipped: Readonly<SkipCounts>;
  readonly lastRun: RunRecord | undefined;
}

export interface SchedulerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SchedulerOptions {
  readonly coordinator: ScheduleCoordinator;
  readonly logger: SchedulerLogger;
  readonly clock?: SchedulerClock;
}

export class ScheduleTimeoutError extends Error {
  constructor(schedule: string, timeoutMs: number) {
    super(`schedule ${schedule} ran past its timeout of ${timeoutMs} ms`);
    this.name = 'ScheduleTimeoutError';
  }
}

export class SchedulerStoppedError extends Error {
  constructor() {
    super('the scheduler stopped');
    this.name = 'SchedulerStoppedError';
  }
}

// setTimeout takes at most 2^31-1 ms; a far due time is reached in steps.
const MAX_TIMER_MS = 3_600_000;
// Counting missed due times one by one is bounded; past this the count is a lower bound.
const MAX_MISSED_COUNTED = 10_000;
// After the grace period, how long aborted tasks get to return before the locks are given up.
const ABORT_WAIT_MS = 1_000;

interface Current {
  readonly dueAt: Date;
  readonly startedAt: Date;
  readonly controller: AbortController;
  timedOut: boolean;
}

interface State {
  readonly definition: ScheduleDefinition;
  readonly cron: CronSchedule;
  nextDue: Date | undefined;
  timer: unknown;
  /** The one run in progress, if any: there is never more than one, and nothing waits behind it. */
  running: Promise<void> | undefined;
  current: Current | undefined;
  runs: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  readonly skipped: SkipCounts;
  lastRun: RunRecord | undefined;
}

/**
 * Runs tasks at the due times of cron expressions, never overlapping: a due
 * time that finds the previous run still going is skipped and counted, on
 * this replica (in memory) and across replicas (the coordinator). A late
 * wake-up runs once, for the latest due time, and counts the ones it passed
 * over. Each run gets an AbortSignal that fires at the schedule's timeout;
 * the schedule stays blocked until the task really returns.
 */
export class Scheduler {
  readonly #coordinator: ScheduleCoordinator;
  readonly #logger: SchedulerLogger;
  readonly #clock: SchedulerClock;
  readonly #states: State[] = [];
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(definitions: readonly ScheduleDefinition[], options: SchedulerOptions) {
    this.#coordinator = options.coordinator;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    const names = new Set<string>();
    for (const definition of definitions) {
      if (names.has(definition.name)) throw new Error(`schedule ${definition.name} is defined twice`);
      if (!Number.isSafeInteger(definition.timeoutMs) || definition.timeoutMs < 1) throw new Error(`schedule ${definition.name}: the timeout must be a positive whole number of ms`);
      names.add(definition.name);
      this.#states.push({
        definition,
        cron: CronSchedule.parse(definition.cron),
        nextDue: undefined,
        timer: undefined,
        running: undefined,
        current: undefined,
        runs: 0,
        succeeded: 0,
        failed: 0,
        timedOut: 0,
        skipped: { running: 0, locked: 0, alreadyRun: 0, missed: 0, unavailable: 0 },
        lastRun: undefined,
      });
    }
  }

  start(): void {
    if (this.#started) throw new Error('the scheduler was already started');
    this.#started = true;
    const now = this.#clock.now();
    for (const state of this.#states) {
      if (!state.definition.enabled) continue;
      state.nextDue = state.cron.nextAfter(now);
      this.#arm(state);
      if (state.definition.runAtStart) this.#startRun(state, now, 'start');
    }
  }

  /**
   * No new runs from now on; resolves when the runs in progress have ended,
   * or once `graceMs` has passed: then their signals abort and whatever is
   * still held is given up.
   */
  stop(graceMs: number): Promise<void> {
    this.#stopping ??= this.#stop(graceMs);
    return this.#stopping;
  }

  status(): ScheduleStatus[] {
    return this.#states.map((state) => ({
      name: state.definition.name,
      cron: state.definition.cron,
      enabled: state.definition.enabled,
      timeoutMs: state.definition.timeoutMs,
      nextDueAt: state.nextDue,
      running: state.current && { dueAt: state.current.dueAt, startedAt: state.current.startedAt, timedOut: state.current.timedOut },
      runs: state.runs,
      succeeded: state.succeeded,
      failed: state.failed,
      timedOut: state.timedOut,
      skipped: { ...state.skipped },
      lastRun: state.lastRun,
    }));
  }

  async #stop(graceMs: number): Promise<void> {
    for (const state of this.#states) {
      this.#clock.clearTimer(state.timer);
      state.timer = undefined;
      state.nextDue = undefined;
    }
    const running = this.#states.flatMap((state) => (state.running ? [state.running] : []));
    if (running.length > 0 && !(await this.#within(Promise.all(running), graceMs))) {
      const stuck = this.#states.filter((state) => state.current).map((state) => state.definition.name);
      this.#logger.warn({ schedules: stuck, graceMs }, 'scheduled runs still going after the grace period; aborting them');
      for (const state of this.#states) state.current?.controller.abort(new SchedulerStoppedError());
      // A task that honours its signal returns at once and gets its outcome recorded.
      await this.#within(Promise.all(running), ABORT_WAIT_MS);
    }
    await this.#coordinator.close();
  }

  /** True when `promise` settled within `ms`. */
  #within(promise: Promise<unknown>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(() => resolve(false), ms);
      const settled = (): void => {
        this.#clock.clearTimer(timer);
        resolve(true);
      };
      promise.then(settled, settled);
    });
  }

  #arm(state: State): void {
    if (this.#stopping || state.nextDue === undefined) return;
    const delay = Math.min(Math.max(state.nextDue.getTime() - this.#clock.now().getTime(), 0), MAX_TIMER_MS);
    state.timer = this.#clock.setTimer(() => this.#wake(state), delay);
  }

  #wake(state: State): void {
    state.timer = undefined;
    const due = state.nextDue;
    if (this.#stopping || due === undefined) return;
    const now = this.#clock.now();
    if (now < due) {
      this.#arm(state);
      return;
    }
    const { latest, missed } = this.#latestDue(state.cron, due, now);
    if (missed > 0) {
      state.skipped.missed += missed;
      this.#logger.warn({ schedule: state.definition.name, missed, lateMs: now.getTime() - due.getTime() }, 'scheduler woke up late; the due times it passed over are skipped');
    }
    state.nextDue = state.cron.nextAfter(now);
    this.#arm(state);
    this.#startRun(state, latest, 'cron');
  }

  /** The latest due time not after `now`, and how many earlier ones since `due` it passes over. */
  #latestDue(cron: CronSchedule, due: Date, now: Date): { latest: Date; missed: number } {
    let latest = due;
    let missed = 0;
    for (let next = cron.nextAfter(latest); next !== undefined && next <= now; next = cron.nextAfter(latest)) {
      if (missed === MAX_MISSED_COUNTED) return { latest: cron.latestAtOrBefore(now) ?? latest, missed };
      latest = next;
      missed += 1;
    }
    return { latest, missed };
  }

  #startRun(state: State, dueAt: Date, trigger: RunTrigger): void {
    if (state.running) {
      state.skipped.running += 1;
      return;
    }
    state.running = this.#run(state, dueAt, trigger)
      .catch((error: unknown) => this.#logger.error({ schedule: state.definition.name, err: error }, 'scheduled run failed unexpectedly'))
      .finally(() => {
        state.running = undefined;
        state.current = undefined;
      });
  }

  async #run(state: State, dueAt: Date, trigger: RunTrigger): Promise<void> {
    const { name, timeoutMs, task } = state.definition;
    let claim;
    try {
      claim = await this.#coordinator.claim({ schedule: name, dueAt, trigger });
    } catch (error) {
      state.skipped.unavailable += 1;
      this.#logger.warn({ schedule: name, dueAt, err: error }, 'scheduled run skipped: the coordinator could not be reached');
      return;
    }
    if (claim.kind === 'busy') {
      state.skipped.locked += 1;
      return;
    }
    if (claim.kind === 'already_run') {
      state.skipped.alreadyRun += 1;
      return;
    }

    const current: Current = { dueAt, startedAt: this.#clock.now(), controller: new AbortController(), timedOut: false };
    state.current = current;
    state.runs += 1;
    const timer = this.#clock.setTimer(() => {
      current.timedOut = true;
      state.timedOut += 1;
      this.#logger.warn({ schedule: name, dueAt, timeoutMs }, 'scheduled run timed out; the schedule stays blocked until the task returns');
      current.controller.abort(new ScheduleTimeoutError(name, timeoutMs));
    }, timeoutMs);

    let status: RunStatus;
    let error: string | undefined;
    let result: Readonly<Record<string, number>> | undefined;
    try {
      result = (await task({ schedule: name, dueAt, trigger, signal: current.controller.signal })) ?? undefined;
      status = current.timedOut ? 'timed_out' : 'succeeded';
    } catch (thrown) {
      status = current.timedOut ? 'timed_out' : 'failed';
      error = thrown instanceof Error ? thrown.message : String(thrown);
    } finally {
      this.#clock.clearTimer(timer);
    }
    const finishedAt = this.#clock.now();
    const durationMs = Math.max(0, finishedAt.getTime() - current.startedAt.getTime());
    if (status === 'succeeded') state.succeeded += 1;
    else if (status === 'failed') state.failed += 1;
    state.lastRun = { dueAt, trigger, startedAt: current.startedAt, finishedAt, status, durationMs, error, result };
    if (status === 'failed') this.#logger.warn({ schedule: name, dueAt, durationMs, error }, 'scheduled run failed');
    try {
      await claim.lease.finish({ status, durationMs, error, result });
    } catch (finishError) {
      this.#logger.error({ schedule: name, dueAt, err: finishError }, 'the outcome of a scheduled run could not be recorded');
    }
  }
}
