/** Where a job is: pg-boss's states, and `dead` for a job parked in its queue's dead letters. */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

export function isJobState(value: unknown): value is JobState {
  return typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value);
}

/** How a job is retried after a failure; unset fields take the queue's defaults. */
export interface RetryPolicy {
  /** Retries after the first attempt; after the last one the job goes to the dead letters. */
  readonly limit?: number;
  readonly delaySeconds?: number;
  /** Doubles the delay after each failure (with jitter). */
  readonly backoff?: boolean;
}

export interface EnqueueOptions {
  /** Higher runs first; 0 by default. */
  readonly priority?: number;
  /** Not before this time (a delayed job). */
  readonly startAfter?: Date;
  /**
   * A second job of the same type with the same key is not enqueued while the
   * first is still kept (the enqueue answers `undefined`).
   */
  readonly dedupeKey?: string;
  readonly retry?: RetryPolicy;
}

/** A job to run: its type names the handler, the payload must match the type's schema. */
export interface JobRequest<P extends object = object> {
  readonly type: string;
  readonly payload: P;
  readonly options?: EnqueueOptions;
}

/** A job as an admin sees it. */
export interface JobView {
  readonly id: string;
  /** The queue the job belongs to (for a dead job, the queue it failed in). */
  readonly queue: string;
  readonly state: JobState;
  readonly priority: number;
  readonly payload: unknown;
  readonly dedupeKey: string | undefined;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly retryLimit: number;
  /** The message of the last failure, if any. */
  readonly lastError: string | undefined;
  readonly createdAt: Date;
  readonly startAfter: Date;
  readonly startedAt: Date | undefined;
  readonly completedAt: Date | undefined;
  /** For a dead job: the id it had in its own queue. */
  readonly originalId: string | undefined;
}

/** How many jobs of one queue are in each state. */
export interface QueueDepth {
  readonly queue: string;
  readonly counts: Readonly<Record<JobState, number>>;
}

/** One page of jobs, newest first, strictly after `after` (a position the previous page ended on). */
export interface JobListQuery {
  readonly queue?: string | undefined;
  readonly state?: JobState | undefined;
  readonly limit: number;
  readonly after?: JobPosition | undefined;
}

export interface JobPosition {
  readonly createdAt: Date;
  readonly id: string;
}
