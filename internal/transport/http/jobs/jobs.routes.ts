import { Router } from 'express';
import type { CancelJob } from '../../../app/jobs/cancel-job.use-case.ts';
import type { GetJob } from '../../../app/jobs/get-job.use-case.ts';
import type { GetQueueDepths } from '../../../app/jobs/get-queue-depths.use-case.ts';
import type { ListJobs } from '../../../app/jobs/list-jobs.use-case.ts';
import type { ListNotifications } from '../../../app/jobs/list-notifications.use-case.ts';
import type { RetryJob } from '../../../app/jobs/retry-job.use-case.ts';
import { toJobDto, toNotificationDto, toQueueDepthsDto, type JobPageDto, type NotificationPageDto } from './job.dto.ts';

export interface JobUseCases {
  readonly listJobs: ListJobs;
  readonly getJob: GetJob;
  readonly retryJob: RetryJob;
  readonly cancelJob: CancelJob;
  readonly getQueueDepths: GetQueueDepths;
  readonly listNotifications: ListNotifications;
}

const queryString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The admin's view of the job queues; requests arrive validated against the contract. */
export function jobsRouter(useCases: JobUseCases): Router {
  const router = Router();

  router.get('/jobs', async (req, res) => {
    const page = await useCases.listJobs.execute(req.ctx, {
      limit: Number(req.query.limit ?? 50),
      cursor: queryString(req.query.cursor),
      queue: queryString(req.query.queue),
      state: queryString(req.query.state),
    });
    const body: JobPageDto = { items: page.items.map(toJobDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  router.get('/jobs/:id', async (req, res) => {
    res.json(toJobDto(await useCases.getJob.execute(req.ctx, req.params.id)));
  });

  router.post('/jobs/:id/retry', async (req, res) => {
    res.json(toJobDto(await useCases.retryJob.execute(req.ctx, req.params.id)));
  });

  router.post('/jobs/:id/cancel', async (req, res) => {
    res.json(toJobDto(await useCases.cancelJob.execute(req.ctx, req.params.id)));
  });

  router.get('/queues', async (req, res) => {
    res.json(toQueueDepthsDto(await useCases.getQueueDepths.execute(req.ctx)));
  });

  router.get('/notifications', async (req, res) => {
    const page = await useCases.listNotifications.execute(req.ctx, { limit: Number(req.query.limit ?? 50), cursor: queryString(req.query.cursor) });
    const body: NotificationPageDto = { items: page.items.map(toNotificationDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  return router;
}
