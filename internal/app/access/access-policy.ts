import type { Context } from '../../domain/shared/context.ts';
import { AuthenticationRequiredError, ForbiddenError } from '../../domain/identity/identity.errors.ts';
import { isAdmin, type Principal } from '../../domain/identity/principal.ts';

/**
 * Who may do what. Another user's resource answers exactly as a missing one
 * would (404), so ids cannot be probed; admin-only operations answer 403.
 */
export function requirePrincipal(ctx: Context): Principal {
  if (!ctx.principal) throw new AuthenticationRequiredError();
  return ctx.principal;
}

export function requireAdmin(ctx: Context, action: string): Principal {
  const principal = requirePrincipal(ctx);
  if (!isAdmin(principal)) throw new ForbiddenError(action);
  return principal;
}

/** True when the caller may see the user `userId`: themselves, or an admin. */
export function canAccessUser(ctx: Context, userId: string): boolean {
  const principal = requirePrincipal(ctx);
  return principal.userId === userId || isAdmin(principal);
}
