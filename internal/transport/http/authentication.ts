import type { RequestHandler } from 'express';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { Principal } from '../../domain/identity/principal.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DomainError } from '../../domain/shared/domain-error.ts';

export interface TokenAuthenticator {
  execute(ctx: Context, token: string): Promise<Principal>;
}

const BEARER = /^Bearer[ ]+([^\s]+)$/i;

/**
 * Resolves `Authorization: Bearer <token>` into `ctx.principal`. A missing or
 * bad token does not fail here: public operations ignore it, and the contract's
 * security check (after routing) reports `req.authError` where a token is needed.
 */
export function authentication(authenticator: TokenAuthenticator): RequestHandler {
  return async (req, _res, next) => {
    const header = req.header('authorization');
    if (header === undefined) return next();
    const token = BEARER.exec(header.trim())?.[1];
    if (!token) {
      req.authError = new AuthenticationRequiredError('INVALID_TOKEN', 'the Authorization header must be `Bearer <token>`');
      return next();
    }
    try {
      const principal = await authenticator.execute(req.ctx, token);
      req.ctx = { ...req.ctx, principal };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      req.authError = error;
    }
    next();
  };
}
