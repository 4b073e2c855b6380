import type { Context } from '../shared/context.ts';
import type { RetryPolicy } from './job.ts';

/** A JSON Schema (draft 2020-12 subset that ajv understands) for a job type's payload. */
export type PayloadSchema = Readonly<Record<string, unknown>>;

/** A kind of job: its name, the shape of its payload and how it is retried. */
export interface JobType<P extends object> {
  readonly type: string;
  readonly payloadSchema: PayloadSchema;
  readonly retry?: RetryPolicy;
  /** Only here to carry `P`; never set. */
  readonly __payload?: P;
}

/** One delivery of a job to its handler. */
export interface ReceivedJob<P extends object> {
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * Runs the jobs of one type. It may run more than once for one job (a retry
 * after a crash or a lost completion): every effect it has must be keyed by a
 * dedupe key and written where that key is checked. `ctx.signal` aborts when
 * the worker stops and the job will be retried.
 */
export interface JobHandler<P extends object> {
  readonly jobType: JobType<P>;
  handle(ctx: Context, job: ReceivedJob<P>): Promise<void>;
}
