import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** One step of a chain; `under` limits it to paths under these prefixes, as `app.use(prefix, …)` would. */
export interface ChainStep {
  readonly handler: RequestHandler | readonly RequestHandler[];
  readonly under?: readonly string[];
}

/**
 * Several middleware as one express layer. Express 5 runs every `app.use`
 * layer through its router's `next` (path matching, parameter handling,
 * a layer object per step): with about twenty application-level layers that
 * was 6–10% of a cached read's CPU (docs/benchmarks.md). Here the steps run
 * in order from one closure; a step's error (passed to `next` or rejected
 * from an async step) goes to express's error handling as before.
 *
 * Unlike `app.use(prefix, …)`, a step under a prefix sees the full
 * `req.url` (no prefix stripped): the steps chained here never read it.
 */
export function chain(steps: readonly ChainStep[]): RequestHandler {
  const flat = steps.flatMap((step) => (Array.isArray(step.handler) ? step.handler : [step.handler]).map((handler: RequestHandler) => ({ handler, under: step.under?.map((p) => p.toLowerCase()) })));
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== 'route' && error !== 'router') {
        done(error);
        return;
      }
      while (index < flat.length) {
        const step = flat[index++] as (typeof flat)[number];
        if (step.under && !step.under.some((prefix) => isUnder(req.path, prefix))) continue;
        try {
          const returned: unknown = step.handler(req, res, next);
          if (returned instanceof Promise) returned.catch((rejected: unknown) => done(rejected ?? new Error('middleware rejected')));
        } catch (thrown) {
          done(thrown);
        }
        return;
      }
      done();
    };
    next();
  };
}

// Express's prefix rule: the prefix itself or the prefix followed by `/`, case-insensitive.
function isUnder(path: string, prefix: string): boolean {
  const lower = path.length >= prefix.length ? path.slice(0, prefix.length).toLowerCase() : '';
  return lower === prefix && (path.length === prefix.length || path[prefix.length] === '/');
}
