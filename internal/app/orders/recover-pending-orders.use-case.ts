import type { PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { markPaid, markPaymentFailed, markRejected, type Order, type OrderStatus } from '../../domain/order/order.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireSystemOrAdmin } from './order-access.ts';
import { givePaymentBack, paymentFrom } from './payment-status.ts';

export interface RecoverPendingOrdersOptions {
  /** Orders pending for less are left alone: their request may still be running. Keep it well above the request timeout. */
  readonly olderThanMs: number;
  /** At most this many orders per run. */
  readonly batchSize: number;
}

export interface RecoveryReport {
  readonly resolved: readonly { readonly orderId: string; readonly status: OrderStatus }[];
  /** Orders left pending for the next run (the gateway or the database failed). */
  readonly failed: readonly { readonly orderId: string; readonly error: unknown }[];
}

/**
 * Resolves orders a crash or an unanswered gateway left `pending`, the way
 * their request would have: asks the gateway what it holds for the order's
 * key, then pays the order (authorized and stock reserved) or undoes
 * whatever is held and fails it. Replicas may run it at the same time: each
 * order is locked while it is resolved and skipped by the others.
 */
export class RecoverPendingOrders {
  readonly #orders: OrderRepository;
  readonly #reservations: StockReservations;
  readonly #gateway: PaymentGateway;
  readonly #options: RecoverPendingOrdersOptions;

  constructor(orders: OrderRepository, reservations: StockReservations, gateway: PaymentGateway, options: RecoverPendingOrdersOptions) {
    this.#orders = orders;
    this.#reservations = reservations;
    this.#gateway = gateway;
    this.#options = options;
  }

  async execute(ctx: Context): Promise<RecoveryReport> {
    requireSystemOrAdmin(ctx, 'recover pending orders');
    const query = { olderThanMs: this.#options.olderThanMs, limit: this.#options.batchSize };
    const outcomes = await this.#orders.resolveStalePending(ctx, query, (order) => this.#resolve(ctx, order));
    const resolved: { orderId: string; status: OrderStatus }[] = [];
    const failed: { orderId: string; error: unknown }[] = [];
    for (const outcome of outcomes) {
      if ('order' in outcome) {
        resolved.push({ orderId: outcome.orderId, status: outcome.order.status });
      } else {
        ctx.log.warn({ orderId: outcome.orderId, err: outcome.error }, 'a pending order could not be resolved; the next run tries again');
        failed.push(outcome);
      }
    }
    return { resolved, failed };
  }

  /**
   * Resolves one order if it is still pending (its request must be over: the
   * order-recovery job runs it `olderThanMs` after the request answered 202).
   * Waits for the order's lock, so a concurrent sweep and this never both act.
   * @returns the order's status afterwards
   * @throws OrderNotFoundError, and what the gateway or the store throws (the order stays pending)
   */
  async recoverOne(ctx: Context, orderId: string): Promise<OrderStatus> {
    requireSystemOrAdmin(ctx, 'recover a pending order');
    const order = await this.#orders.update(ctx, orderId, (current) => (current.status === 'pending' ? this.#resolve(ctx, current) : current));
    return order.status;
  }

  async #resolve(ctx: Context, order: Order): Promise<Order> {
    const payment = paymentFrom(await this.#gateway.findByIdempotencyKey(ctx, order.id));
    if (payment.kind === 'held') {
      if ((await this.#reservations.stateOf(ctx, order.id)) === 'reserved') return markPaid(order, payment.authorizationId);
      // Released first, so a reservation still on its way can no longer land after the money went back.
      await this.#reservations.release(ctx, order.id);
      await givePaymentBack(ctx, this.#gateway, payment);
      return markRejected(order, 'stock_not_reserved');
    }
    await this.#reservations.release(ctx, order.id);
    return payment.kind === 'declined'
      ? markPaymentFailed(order, payment.declineCode, payment.authorizationId)
      : markPaymentFailed(order, 'payment_not_completed');
  }
}
