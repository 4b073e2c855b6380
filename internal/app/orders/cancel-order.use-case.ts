import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { isUuid, markCancelled, type Order } from '../../domain/order/order.ts';
import { OrderNotFoundError } from '../../domain/order/order.errors.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { detached } from '../shared/detached-context.ts';
import { canSeeOrder } from './order-access.ts';
import { givePaymentBack, paymentFrom } from './payment-status.ts';

export class CancelOrder {
  readonly #orders: OrderRepository;
  readonly #reservations: StockReservations;
  readonly #gateway: PaymentGateway;
  readonly #settleTimeoutMs: number;

  constructor(orders: OrderRepository, reservations: StockReservations, gateway: PaymentGateway, options: { settleTimeoutMs?: number | undefined } = {}) {
    this.#orders = orders;
    this.#reservations = reservations;
    this.#gateway = gateway;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  }

  /**
   * Cancels a paid order of the caller (any, for an admin): the payment goes
   * back while the order is locked, so of concurrent cancels one wins and the
   * others find it cancelled; then its stock is released.
   * @throws AuthenticationRequiredError, OrderNotFoundError, OrderStateConflictError, PaymentUnavailableError
   */
  async execute(ctx: Context, id: string): Promise<Order> {
    requirePrincipal(ctx);
    if (!isUuid(id)) throw new OrderNotFoundError(id);
    const orderId = id.toLowerCase();
    const cancelled = await this.#orders.update(ctx, orderId, async (order) => {
      if (!canSeeOrder(ctx, order)) throw new OrderNotFoundError(id);
      const next = markCancelled(order);
      // Once asked, the gateway call finishes even if the caller goes: its effect must be saved.
      const settling = detached(ctx, this.#settleTimeoutMs);
      const payment = paymentFrom(await this.#gateway.findByIdempotencyKey(settling, order.id));
      if (payment.kind === 'held') await givePaymentBack(settling, this.#gateway, payment);
      return next;
    });
    await this.#releaseStock(detached(ctx, this.#settleTimeoutMs), cancelled);
    return cancelled;
  }

  // After the commit, so no database connection is held twice; a failure leaves stock held, never oversold.
  async #releaseStock(ctx: Context, order: Order): Promise<void> {
    try {
      await this.#reservations.release(ctx, order.id);
    } catch (error) {
      ctx.log.error({ orderId: order.id, err: error }, 'the order is cancelled but its stock is still reserved; release it again');
    }
  }
}
