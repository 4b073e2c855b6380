import type { Response } from 'express';
import type { Context } from '../../domain/shared/context.ts';

/** Turns what the adapters noted while serving (cache use, staleness) into headers. */
export function applyResponseHints(res: Response, ctx: Context): void {
  if (ctx.hints?.cache) res.setHeader('X-Cache', ctx.hints.cache);
  if (ctx.hints?.stale) res.setHeader('X-Served-Stale', 'true');
}
