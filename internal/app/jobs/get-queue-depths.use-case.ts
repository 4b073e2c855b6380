import type { QueueDepth } from '../../domain/jobs/job.ts';
import type { JobAdmin } from '../../domain/jobs/job-queue.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

export class GetQueueDepths {
  readonly #jobs: JobAdmin;

  constructor(jobs: JobAdmin) {
    this.#jobs = jobs;
  }

  /** How many jobs of each queue are in each state, dead letters included. @throws ForbiddenError */
  async execute(ctx: Context): Promise<QueueDepth[]> {
    requireAdmin(ctx, 'see queue depths');
    return this.#jobs.depths(ctx);
  }
}
