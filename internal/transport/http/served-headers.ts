import type { Response } from 'express';
import type { Served } from '../../domain/shared/served.ts';

/** Tells how a read was served: `X-Cache` when a cache took part, `X-Served-Stale` when the value was stale. */
export function setServedHeaders(res: Response, served: Served<unknown>): void {
  if (served.cache) res.setHeader('X-Cache', served.cache);
  if (served.stale) res.setHeader('X-Served-Stale', 'true');
}
