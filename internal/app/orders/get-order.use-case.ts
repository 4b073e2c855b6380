import { isUuid, type Order } from '../../domain/order/order.ts';
import { OrderNotFoundError } from '../../domain/order/order.errors.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { canSeeOrder } from './order-access.ts';

export class GetOrder {
  readonly #orders: OrderRepository;

  constructor(orders: OrderRepository) {
    this.#orders = orders;
  }

  /** Your own order, or any for an admin; another user's order answers as a missing one does. */
  async execute(ctx: Context, id: string): Promise<Order> {
    requirePrincipal(ctx);
    const order = isUuid(id) ? await this.#orders.findById(ctx, id.toLowerCase()) : undefined;
    if (!order || !canSeeOrder(ctx, order)) throw new OrderNotFoundError(id);
    return order;
  }
}
