import type { MetricsRegistry, Reading } from './metrics-registry.ts';

/** One schedule's counters on this replica (the scheduler's `status()`). */
export interface ScheduleCounts {
  readonly name: string;
  readonly runs: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly running: unknown;
}

/** Runs, failures, timeouts and skips per schedule, read from the scheduler's counters at scrape time. */
export class ScheduleMetrics {
  #source: (() => readonly ScheduleCounts[]) | undefined;

  constructor(metrics: MetricsRegistry) {
    const source = () => this.#source?.() ?? [];
    const read = <L extends string>(pick: (schedule: ScheduleCounts) => Iterable<Reading<L>>) =>
      function* () {
        for (const schedule of source()) yield* pick(schedule);
      };
    metrics.readCounter('schedule_runs_total', 'Scheduled runs started on this replica.', ['schedule'], read((s) => [[{ schedule: s.name }, s.runs] as const]));
    metrics.readCounter('schedule_failures_total', 'Scheduled runs that failed (timeouts included).', ['schedule'], read((s) => [[{ schedule: s.name }, s.failed] as const]));
    metrics.readCounter('schedule_timeouts_total', 'Scheduled runs that passed their timeout.', ['schedule'], read((s) => [[{ schedule: s.name }, s.timedOut] as const]));
    metrics.readCounter(
      'schedule_skips_total',
      'Due times not run here, by reason: running (the last run still going), locked (running on another replica), alreadyRun, missed (the process woke too late), unavailable (the database could not be asked).',
      ['schedule', 'reason'],
      read((s) => Object.entries(s.skipped).map(([reason, count]) => [{ schedule: s.name, reason }, count] as const)),
    );
    metrics.readGauge('schedule_running', 'Whether a run of the schedule is in progress on this replica (1) or not (0).', ['schedule'], read((s) => [[{ schedule: s.name }, s.running ? 1 : 0] as const]));
  }

  watch(source: () => readonly ScheduleCounts[]): void {
    this.#source = source;
  }
}
