import type { JobView } from '../../domain/jobs/job.ts';
import { JobNotFoundError } from '../../domain/jobs/job.errors.ts';
import type { JobAdmin } from '../../domain/jobs/job-queue.ts';
import { isUuid } from '../../domain/order/order.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

export class GetJob {
  readonly #jobs: JobAdmin;

  constructor(jobs: JobAdmin) {
    this.#jobs = jobs;
  }

  /** @throws ForbiddenError, JobNotFoundError */
  async execute(ctx: Context, id: string): Promise<JobView> {
    requireAdmin(ctx, 'see jobs');
    const job = isUuid(id) ? await this.#jobs.find(ctx, id.toLowerCase()) : undefined;
    if (!job) throw new JobNotFoundError(id);
    return job;
  }
}
