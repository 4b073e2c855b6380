import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import type { AuthorizationResult, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { markPaid, markPaymentFailed, markRejected, type Order } from '../../domain/order/order.ts';
import { InsufficientStockError, PaymentDeclinedError } from '../../domain/order/order.errors.ts';
import type { OrderChange, OrderRepository } from '../../domain/order/order-repository.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { givePaymentBack, paymentFrom, type Payment } from './payment-status.ts';

type Known = Payment | { readonly kind: 'unknown' };

/**
 * Ends a placed order once its reservation and authorization have settled:
 * paid, or failed with the other effect undone. Whatever cannot be decided
 * or undone leaves the order `pending`, which recovery resolves later.
 * Runs with a context of its own, so a caller that went away does not stop it halfway.
 */
export class PlacementSettlement {
  readonly #orders: OrderRepository;
  readonly #reservations: StockReservations;
  readonly #gateway: PaymentGateway;

  constructor(orders: OrderRepository, reservations: StockReservations, gateway: PaymentGateway) {
    this.#orders = orders;
    this.#reservations = reservations;
    this.#gateway = gateway;
  }

  async settle(ctx: Context, order: Order, reservation: PromiseSettledResult<Product[]>, authorization: PromiseSettledResult<AuthorizationResult>): Promise<Order> {
    if (reservation.status === 'rejected') return this.#afterFailedReservation(ctx, order, reservation.reason, authorization);
    const payment = await this.#paymentOf(ctx, order, authorization);
    switch (payment.kind) {
      case 'held':
        return this.#orders.updateKnown(ctx, order, (current) => markPaid(current, payment.authorizationId));
      case 'declined':
        await this.#close(ctx, order, (current) => markPaymentFailed(current, payment.declineCode, payment.authorizationId));
        throw new PaymentDeclinedError(payment.declineCode);
      case 'none':
        await this.#close(ctx, order, (current) => markPaymentFailed(current, 'payment_unavailable'));
        throw reasonOf(authorization);
      case 'unknown':
        ctx.log.warn({ orderId: order.id }, 'the gateway cannot tell whether the order was authorized; it stays pending for recovery');
        throw reasonOf(authorization);
    }
  }

  // The authorization was aborted (or had finished): whatever it holds goes back, then the order is rejected.
  async #afterFailedReservation(ctx: Context, order: Order, reason: unknown, authorization: PromiseSettledResult<AuthorizationResult>): Promise<never> {
    const stockShort = reason instanceof InsufficientStockError;
    const payment = await this.#paymentOf(ctx, order, authorization);
    if (payment.kind === 'unknown') {
      ctx.log.warn({ orderId: order.id }, 'the reservation failed and the gateway cannot tell whether the order was authorized; it stays pending for recovery');
      throw reason;
    }
    if (payment.kind === 'held') {
      try {
        await givePaymentBack(ctx, this.#gateway, payment);
      } catch (error) {
        ctx.log.error({ orderId: order.id, authorizationId: payment.authorizationId, err: error }, 'voiding the authorization of a rejected order failed; it stays pending for recovery');
        throw reason;
      }
    }
    // A short reservation took nothing; any other failure may have reserved before it failed.
    await this.#close(ctx, order, (current) => markRejected(current, stockShort ? 'insufficient_stock' : 'reservation_failed'), !stockShort);
    throw reason;
  }

  // An authorization that failed or was aborted may still have reached the gateway: ask it.
  async #paymentOf(ctx: Context, order: Order, authorization: PromiseSettledResult<AuthorizationResult>): Promise<Known> {
    if (authorization.status === 'fulfilled') {
      const result = authorization.value;
      return result.outcome === 'approved'
        ? { kind: 'held', authorizationId: result.authorizationId, captured: false }
        : { kind: 'declined', authorizationId: result.authorizationId, declineCode: result.declineCode };
    }
    // Never sent (breaker open, bulkhead full): nothing to look up, and the lookup would fail the same way.
    if (authorization.reason instanceof PaymentUnavailableError && authorization.reason.notSent) return { kind: 'none' };
    try {
      return paymentFrom(await this.#gateway.findByIdempotencyKey(ctx, order.id));
    } catch (error) {
      ctx.log.warn({ orderId: order.id, err: error }, 'looking up the authorization of an order failed');
      return { kind: 'unknown' };
    }
  }

  // Releases the stock (the release is recorded even when nothing was reserved) and sets the final status.
  async #close(ctx: Context, order: Order, change: OrderChange, release = true): Promise<void> {
    try {
      if (release) await this.#reservations.release(ctx, order.id);
      await this.#orders.updateKnown(ctx, order, change);
    } catch (error) {
      ctx.log.error({ orderId: order.id, err: error }, 'settling a failed order did not finish; it stays pending for recovery');
    }
  }
}

function reasonOf(authorization: PromiseSettledResult<AuthorizationResult>): unknown {
  return authorization.status === 'rejected' ? authorization.reason : new Error('the authorization did not fail');
}
