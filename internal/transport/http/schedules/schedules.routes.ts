import { Router } from 'express';
import type { ListSchedules } from '../../../app/scheduling/list-schedules.use-case.ts';
import { toScheduleListDto } from './schedule.dto.ts';

export interface ScheduleUseCases {
  readonly listSchedules: ListSchedules;
}

export function schedulesRouter(useCases: ScheduleUseCases): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.set('Cache-Control', 'no-store').json(toScheduleListDto(useCases.listSchedules.execute(req.ctx)));
  });

  return router;
}
