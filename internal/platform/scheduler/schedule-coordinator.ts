/** How a run ended, as recorded. */
export type RunStatus = 'succeeded' | 'failed' | 'timed_out';

/** What started a run: its cron due time, or the start of the process. */
export type RunTrigger = 'cron' | 'start';

export interface RunSlot {
  readonly schedule: string;
  /** The due time the run is for; with `schedule`, it names the run across replicas. */
  readonly dueAt: Date;
  readonly trigger: RunTrigger;
}

export interface RunOutcome {
  readonly status: RunStatus;
  readonly durationMs: number;
  readonly error?: string | undefined;
  /** A small summary the task returned (counts), kept with the run. */
  readonly result?: Readonly<Record<string, number>> | undefined;
}

/** A claimed run: held exclusively across replicas until `finish`. */
export interface RunLease {
  /** Records the outcome and gives the schedule up, so the next run may start (here or elsewhere). */
  finish(outcome: RunOutcome): Promise<void>;
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly lease: RunLease }
  /** A run of this schedule is in progress on another replica. */
  | { readonly kind: 'busy' }
  /** This due time was already run (by another replica whose clock was ahead, or a run that was quick). */
  | { readonly kind: 'already_run' };

/**
 * Makes scheduled runs exclusive across replicas: at most one run of a
 * schedule at a time, and each due time run at most once.
 */
export interface ScheduleCoordinator {
  claim(slot: RunSlot): Promise<ClaimResult>;
  /** Gives up whatever is still held (the process is stopping). */
  close(): Promise<void>;
}
