import { PaymentNotSentError } from '../../domain/payment/payment.errors.ts';
import type { AuthorizationResult, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { markPaid, markPaymentFailed, markRejected, type Order } from '../../domain/order/order.ts';
import { InsufficientStockError, PaymentDeclinedError } from '../../domain/order/order.errors.ts';
import type { OrderChange, OrderRepository } from '../../domain/order/order-repository.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DomainError } from '../../domain/shared/domain-error.ts';
import { givePaymentBack, paymentFrom, type Payment } from './payment-status.ts';

type Known = Payment | { readonly kind: 'unknown' };

/** How the two halves of a placement ended, once settled. */
export type Settlement =
  | { readonly kind: 'paid'; readonly order: Order }
  /** The gateway's answer is not known, or undoing failed: the order stays pending for recovery. */
  | { readonly kind: 'pending'; readonly order: Order }
  /**
   * Nothing was bought. `closed`: the order was ended with everything undone.
   * A refusal whose closing did not finish leaves the order pending; recovery ends it.
   */
  | { readonly kind: 'refused'; readonly error: DomainError; readonly closed: boolean }
  /** A step failed unexpectedly (the database, a recovery that settled the order meanwhile): the stored order tells. */
  | { readonly kind: 'unsettled'; readonly error: unknown };

/**
 * Ends a placed order once its reservation and authorization have settled:
 * paid, or failed with the side that succeeded undone (stock released,
 * authorization voided). Whatever cannot be decided or undone leaves the
 * order `pending`, which recovery resolves later. Run it with a context of
 * its own, so a caller that went away does not stop it halfway.
 */
export async function settlePlacement(
  ports: { readonly orders: OrderRepository; readonly reservations: StockReservations; readonly gateway: PaymentGateway },
  ctx: Context,
  order: Order,
  reservation: PromiseSettledResult<Product[]>,
  authorization: PromiseSettledResult<AuthorizationResult>,
): Promise<Settlement> {
  // Releases the stock (recorded even when nothing was reserved) and sets the final status; false when it did not finish.
  const close = async (change: OrderChange, release = true): Promise<boolean> => {
    try {
      if (release) await ports.reservations.release(ctx, order.id);
      await ports.orders.updateKnown(ctx, order, change);
      return true;
    } catch (error) {
      ctx.log.error({ orderId: order.id, err: error }, 'settling a failed order did not finish; it stays pending for recovery');
      return false;
    }
  };
  const payment = await paymentOf(ports.gateway, ctx, order, authorization);

  if (reservation.status === 'rejected') {
    const reason: unknown = reservation.reason;
    // A refusal the reservation decided (stock short) stands even when undoing the payment must wait for recovery.
    const refusal = reason instanceof DomainError && reason.kind !== 'unavailable' ? reason : undefined;
    if (payment.kind === 'unknown') {
      ctx.log.warn({ orderId: order.id }, 'the reservation failed and the gateway cannot tell whether the order was authorized; it stays pending for recovery');
      return refusal ? { kind: 'refused', error: refusal, closed: false } : { kind: 'pending', order };
    }
    if (payment.kind === 'held') {
      try {
        await givePaymentBack(ctx, ports.gateway, payment);
      } catch (error) {
        ctx.log.error({ orderId: order.id, authorizationId: payment.authorizationId, err: error }, 'voiding the authorization of a rejected order failed; it stays pending for recovery');
        return refusal ? { kind: 'refused', error: refusal, closed: false } : { kind: 'pending', order };
      }
    }
    // A short reservation took nothing; any other failure may have reserved before it failed.
    const stockShort = reason instanceof InsufficientStockError;
    const closed = await close((current) => markRejected(current, stockShort ? 'insufficient_stock' : 'reservation_failed'), !stockShort);
    if (refusal) return { kind: 'refused', error: refusal, closed };
    return reason instanceof DomainError && closed ? { kind: 'refused', error: reason, closed } : { kind: 'unsettled', error: reason };
  }

  switch (payment.kind) {
    case 'held':
      try {
        return { kind: 'paid', order: await ports.orders.updateKnown(ctx, order, (current) => markPaid(current, payment.authorizationId)) };
      } catch (error) {
        return { kind: 'unsettled', error };
      }
    case 'declined': {
      const closed = await close((current) => markPaymentFailed(current, payment.declineCode, payment.authorizationId));
      return { kind: 'refused', error: new PaymentDeclinedError(payment.declineCode), closed };
    }
    case 'none': {
      const reason = reasonOf(authorization);
      const closed = await close((current) => markPaymentFailed(current, 'payment_unavailable'));
      return reason instanceof DomainError && closed ? { kind: 'refused', error: reason, closed } : { kind: 'unsettled', error: reason };
    }
    case 'unknown':
      ctx.log.warn({ orderId: order.id }, 'the gateway cannot tell whether the order was authorized; it stays pending for recovery');
      return { kind: 'pending', order };
  }
}

// An authorization that failed or was aborted may still have reached the gateway: ask it.
async function paymentOf(gateway: PaymentGateway, ctx: Context, order: Order, authorization: PromiseSettledResult<AuthorizationResult>): Promise<Known> {
  if (authorization.status === 'fulfilled') {
    const result = authorization.value;
    return result.outcome === 'approved'
      ? { kind: 'held', authorizationId: result.authorizationId, captured: false }
      : { kind: 'declined', authorizationId: result.authorizationId, declineCode: result.declineCode };
  }
  // Never sent (breaker open, bulkhead full): nothing to look up, and the lookup would fail the same way.
  if (authorization.reason instanceof PaymentNotSentError) return { kind: 'none' };
  try {
    return paymentFrom(await gateway.findByIdempotencyKey(ctx, order.id));
  } catch (error) {
    ctx.log.warn({ orderId: order.id, err: error }, 'looking up the authorization of an order failed');
    return { kind: 'unknown' };
  }
}

function reasonOf(authorization: PromiseSettledResult<AuthorizationResult>): unknown {
  return authorization.status === 'rejected' ? authorization.reason : new Error('the authorization did not fail');
}
