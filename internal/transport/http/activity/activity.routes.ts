import { Router } from 'express';
import type { ListActivity } from '../../../app/activity/list-activity.use-case.ts';
import type { StreamActivity } from '../../../app/activity/stream-activity.use-case.ts';
import { toActivityEventDto, type ActivityPageDto } from './activity.dto.ts';
import { streamEvents, type SseSettings } from './sse-stream.ts';

export interface ActivityUseCases {
  readonly listActivity: ListActivity;
  readonly streamActivity: StreamActivity;
  readonly sse: SseSettings;
}

// Requests reach these handlers only after validation against the contract.
export function activityRouter(useCases: ActivityUseCases): Router {
  const router = Router();

  router.get('/:id/activity', async (req, res) => {
    const page = await useCases.listActivity.execute(req.ctx, {
      userId: req.params.id,
      limit: Number(req.query.limit ?? 50),
      cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined,
    });
    const body: ActivityPageDto = { items: page.items.map(toActivityEventDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  router.get('/:id/activity/stream', async (req, res) => {
    // Refusals (404, 503 ...) are problem documents as usual; once subscribed, the response is a stream.
    const subscription = await useCases.streamActivity.execute(req.ctx, { userId: req.params.id, lastEventId: req.header('last-event-id') });
    // ctx.signal carries the request budget, which a stream outlives; the stream ends with the socket instead.
    await streamEvents(res, subscription, useCases.sse, req.ctx.log);
  });

  return router;
}
