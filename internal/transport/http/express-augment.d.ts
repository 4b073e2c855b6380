import type { Context } from '../../domain/shared/context.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the request-context middleware before anything else runs. */
    ctx: Context;
    traceId: string;
  }
}
