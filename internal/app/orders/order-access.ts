import { ForbiddenError } from '../../domain/identity/identity.errors.ts';
import { isAdmin } from '../../domain/identity/principal.ts';
import type { Order } from '../../domain/order/order.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requirePrincipal } from '../access/access-policy.ts';

/** The caller's own order, or any for an admin. Another user's order answers as a missing one does. */
export function canSeeOrder(ctx: Context, order: Order): boolean {
  const principal = requirePrincipal(ctx);
  return principal.userId === order.userId || isAdmin(principal);
}

/**
 * Background work (no principal: a job) or an admin. An HTTP route must not
 * expose such a use-case to anonymous callers: it requires authentication first.
 */
export function requireSystemOrAdmin(ctx: Context, action: string): void {
  if (ctx.principal && !isAdmin(ctx.principal)) throw new ForbiddenError(action);
}
