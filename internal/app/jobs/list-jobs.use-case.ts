import { isJobState, JOB_STATES, type JobState, type JobView } from '../../domain/jobs/job.ts';
import type { JobAdmin } from '../../domain/jobs/job-queue.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError, type FieldIssue } from '../../domain/shared/domain-error.ts';
import { requireAdmin } from '../access/access-policy.ts';
import { JOB_CURSOR } from './job-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

const JOB_PAGE_MAX = 100;

export interface ListJobsInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly queue?: string | undefined;
  readonly state?: string | undefined;
}

export interface JobPage {
  readonly items: readonly JobView[];
  readonly nextCursor: string | null;
}

export class ListJobs {
  readonly #jobs: JobAdmin;
  readonly #cursors: CursorSeal;

  constructor(jobs: JobAdmin, cursors: CursorSeal) {
    this.#jobs = jobs;
    this.#cursors = cursors;
  }

  /**
   * Jobs newest first, of one queue and one state when asked (`dead`: the dead letters).
   * @throws ForbiddenError, ValidationError, InvalidCursorError
   */
  async execute(ctx: Context, input: ListJobsInput): Promise<JobPage> {
    requireAdmin(ctx, 'list jobs');
    const { limit, queue, state } = this.#check(input);
    const after = input.cursor === undefined ? undefined : JOB_CURSOR.decode(this.#cursors.open(input.cursor));
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#jobs.list(ctx, { limit: limit + 1, queue, state, after });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? this.#cursors.seal(JOB_CURSOR.encode(last)) : null };
  }

  #check(input: ListJobsInput): { limit: number; queue: string | undefined; state: JobState | undefined } {
    const issues: FieldIssue[] = [];
    if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > JOB_PAGE_MAX) {
      issues.push({ field: 'limit', message: `must be a whole number from 1 to ${JOB_PAGE_MAX}` });
    }
    const queues = this.#jobs.queues();
    if (input.queue !== undefined && !queues.includes(input.queue)) issues.push({ field: 'queue', message: `must be one of ${queues.join(', ')}` });
    if (input.state !== undefined && !isJobState(input.state)) issues.push({ field: 'state', message: `must be one of ${JOB_STATES.join(', ')}` });
    if (issues.length > 0) throw new ValidationError('the job query is not valid', issues);
    return { limit: input.limit, queue: input.queue, state: input.state as JobState | undefined };
  }
}
