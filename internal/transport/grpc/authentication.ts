import type { CallContext, ServerMiddleware } from 'nice-grpc';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { Principal } from '../../domain/identity/principal.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DomainError } from '../../domain/shared/domain-error.ts';
import type { RpcContextExt } from './call-context.ts';

export interface TokenAuthenticator {
  execute(ctx: Context, token: string): Promise<Principal>;
}

const BEARER = /^Bearer[ ]+([^\s]+)$/i;

/**
 * Resolves `authorization: Bearer <token>` metadata into `ctx.principal`, as
 * REST's Authorization header. A missing or refused token does not fail here:
 * public RPCs ignore it, and a use-case that needs a caller throws, which
 * `callContext` reports with the reason kept in `authError`.
 */
export function authentication(authenticator: TokenAuthenticator): ServerMiddleware<RpcContextExt, RpcContextExt> {
  return async function* (call, context) {
    const header = context.metadata.get('authorization');
    let next: CallContext & RpcContextExt = context;
    if (typeof header === 'string') {
      const token = BEARER.exec(header.trim())?.[1];
      if (!token) {
        context.authError = new AuthenticationRequiredError('INVALID_TOKEN', 'the authorization metadata must be `Bearer <token>`');
      } else {
        try {
          const principal = await authenticator.execute(context.ctx, token);
          context.ctx = { ...context.ctx, principal };
          next = context;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          context.authError = error;
        }
      }
    }
    return yield* call.next(call.request, next);
  };
}
