import { ForbiddenError } from '../../domain/identity/identity.errors.ts';
import { isAdmin } from '../../domain/identity/principal.ts';
import { isOrderStatus, isUuid, ORDER_STATUSES, type Order, type OrderStatus } from '../../domain/order/order.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError, type FieldIssue } from '../../domain/shared/domain-error.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { ORDER_CURSOR } from './order-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

const ORDER_PAGE_MAX = 100;

export interface ListOrdersInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** Admins only (customers may name only themselves): one user's orders. */
  readonly userId?: string | undefined;
  readonly status?: string | undefined;
}

export interface OrderPage {
  readonly items: readonly Order[];
  readonly nextCursor: string | null;
}

export class ListOrders {
  readonly #orders: OrderRepository;
  readonly #cursors: CursorSeal;

  constructor(orders: OrderRepository, cursors: CursorSeal) {
    this.#orders = orders;
    this.#cursors = cursors;
  }

  /**
   * Newest first. A customer sees their own orders; an admin sees everyone's,
   * optionally of one user. Both may filter by status.
   * @throws AuthenticationRequiredError, ForbiddenError, ValidationError, InvalidCursorError
   */
  async execute(ctx: Context, input: ListOrdersInput): Promise<OrderPage> {
    const principal = requirePrincipal(ctx);
    const { limit, userId, status } = checkQuery(input);
    if (!isAdmin(principal) && userId !== undefined && userId !== principal.userId) throw new ForbiddenError("list other users' orders");
    const owner = isAdmin(principal) ? userId : principal.userId;
    const beforeId = input.cursor === undefined ? undefined : ORDER_CURSOR.decode(this.#cursors.open(input.cursor));
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#orders.listForUser(ctx, owner, { limit: limit + 1, beforeId, status });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? this.#cursors.seal(ORDER_CURSOR.encode(last.id)) : null;
    return { items, nextCursor };
  }
}

function checkQuery(input: ListOrdersInput): { limit: number; userId: string | undefined; status: OrderStatus | undefined } {
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > ORDER_PAGE_MAX) {
    issues.push({ field: 'limit', message: `must be a whole number from 1 to ${ORDER_PAGE_MAX}` });
  }
  if (input.userId !== undefined && !isUuid(input.userId)) issues.push({ field: 'user_id', message: 'must be a user id (a UUID)' });
  if (input.status !== undefined && !isOrderStatus(input.status)) issues.push({ field: 'status', message: `must be one of ${ORDER_STATUSES.join(', ')}` });
  if (issues.length > 0) throw new ValidationError('the order query is not valid', issues);
  return { limit: input.limit, userId: input.userId?.toLowerCase(), status: input.status as OrderStatus | undefined };
}
