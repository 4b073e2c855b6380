import type { JobView } from '../../domain/jobs/job.ts';
import { JobNotFoundError } from '../../domain/jobs/job.errors.ts';
import type { JobAdmin } from '../../domain/jobs/job-queue.ts';
import { isUuid } from '../../domain/order/order.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

export class RetryJob {
  readonly #jobs: JobAdmin;

  constructor(jobs: JobAdmin) {
    this.#jobs = jobs;
  }

  /**
   * Runs a failed or dead job again; a dead one goes back to its queue under a new id.
   * @returns the job as it now waits to run
   * @throws ForbiddenError, JobNotFoundError, JobStateConflictError
   */
  async execute(ctx: Context, id: string): Promise<JobView> {
    requireAdmin(ctx, 'retry jobs');
    if (!isUuid(id)) throw new JobNotFoundError(id);
    const job = await this.#jobs.retry(ctx, id.toLowerCase());
    ctx.log.info({ job_id: id, queued_as: job.id, queue: job.queue }, 'job retried by an admin');
    return job;
  }
}
