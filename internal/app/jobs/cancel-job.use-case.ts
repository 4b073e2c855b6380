import type { JobView } from '../../domain/jobs/job.ts';
import { JobNotFoundError } from '../../domain/jobs/job.errors.ts';
import type { JobAdmin } from '../../domain/jobs/job-queue.ts';
import { isUuid } from '../../domain/order/order.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

export class CancelJob {
  readonly #jobs: JobAdmin;

  constructor(jobs: JobAdmin) {
    this.#jobs = jobs;
  }

  /**
   * Cancels a job that waits to run; a running or finished job is left alone.
   * @throws ForbiddenError, JobNotFoundError, JobStateConflictError
   */
  async execute(ctx: Context, id: string): Promise<JobView> {
    requireAdmin(ctx, 'cancel jobs');
    if (!isUuid(id)) throw new JobNotFoundError(id);
    const job = await this.#jobs.cancel(ctx, id.toLowerCase());
    ctx.log.info({ job_id: job.id, queue: job.queue }, 'job cancelled by an admin');
    return job;
  }
}
