import type { Context } from '../shared/context.ts';
import type { JobListQuery, JobRequest, JobView, QueueDepth } from './job.ts';

/** Puts jobs on the durable queue. */
export interface JobQueue {
  /**
   * Enqueues outside any transaction of the caller's.
   * @returns the job id, or `undefined` when a job with the same dedupe key is already kept
   * @throws UnknownJobTypeError, InvalidJobPayloadError
   */
  enqueue<P extends object>(ctx: Context, request: JobRequest<P>): Promise<string | undefined>;
}

/**
 * Puts jobs on the durable queue inside a transaction of the caller's: the
 * job exists only if that transaction commits. `Tx` is the transaction as the
 * adapter that opened it knows it (opaque here).
 */
export interface TransactionalJobQueue<Tx> {
  enqueueInTransaction<P extends object>(tx: Tx, request: JobRequest<P>): Promise<string | undefined>;
}

/** What an operator may see and do with the queue's jobs. */
export interface JobAdmin {
  /** The known queues (one per job type). */
  queues(): readonly string[];
  list(ctx: Context, query: JobListQuery): Promise<JobView[]>;
  find(ctx: Context, id: string): Promise<JobView | undefined>;
  /**
   * Runs a failed or dead job again (a dead one goes back to its queue under a new id).
   * @returns the job as it now waits to run
   * @throws JobNotFoundError, JobStateConflictError
   */
  retry(ctx: Context, id: string): Promise<JobView>;
  /**
   * Cancels a job that waits to run (created or retry).
   * @throws JobNotFoundError, JobStateConflictError
   */
  cancel(ctx: Context, id: string): Promise<JobView>;
  depths(ctx: Context): Promise<QueueDepth[]>;
}
