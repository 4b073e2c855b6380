import { Router } from 'express';
import type { GetFlag } from '../../../app/flags/get-flag.use-case.ts';
import type { ListFlags } from '../../../app/flags/list-flags.use-case.ts';
import type { SetFlag } from '../../../app/flags/set-flag.use-case.ts';
import { etagOf, parseIfMatch } from '../etag.ts';
import { toFlagDto, type FlagListDto, type SetFlagRequest } from './flag.dto.ts';

export interface FlagUseCases {
  readonly listFlags: ListFlags;
  readonly getFlag: GetFlag;
  readonly setFlag: SetFlag;
}

/** The admin API of feature flags; bodies and keys were validated against the contract. */
export function flagsRouter(useCases: FlagUseCases): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const body: FlagListDto = { items: (await useCases.listFlags.execute(req.ctx)).map(toFlagDto) };
    res.json(body);
  });

  router.get('/:key', async (req, res) => {
    const flag = await useCases.getFlag.execute(req.ctx, req.params.key);
    res.set('ETag', etagOf(flag.version)).json(toFlagDto(flag));
  });

  router.put('/:key', async (req, res) => {
    const body = req.body as SetFlagRequest;
    const flag = await useCases.setFlag.execute(req.ctx, {
      key: req.params.key,
      setting: { enabled: body.enabled, rolloutPercent: body.rollout_percent ?? undefined },
      expected: parseIfMatch(req.header('if-match')),
    });
    res.set('ETag', etagOf(flag.version)).json(toFlagDto(flag));
  });

  return router;
}
