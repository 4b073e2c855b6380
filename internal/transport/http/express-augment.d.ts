import type { Context } from '../../domain/shared/context.ts';
import type { DomainError } from '../../domain/shared/domain-error.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the request-context middleware before anything else runs. */
    ctx: Context;
    traceId: string;
    /** Why a bearer token was not accepted; reported only where the operation needs one. */
    authError?: DomainError;
  }
}

declare module 'http' {
  interface ServerResponse {
    /** The error a request failed with, set by the error handler for the access log and the request span. */
    err?: Error | undefined;
  }
}
