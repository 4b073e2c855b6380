import type { DeclineCode } from '../payment/payment-gateway.ts';
import { DomainError } from '../shared/domain-error.ts';
import type { Order, OrderStatus } from './order.ts';

/** No order has this id, or it belongs to someone else (answered the same way, so ids cannot be probed). */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`order ${id} does not exist`);
  }
}

/** The user already has an order placed under this Idempotency-Key; nothing was created. */
export class OrderKeyTakenError extends DomainError {
  readonly code = 'ORDER_KEY_TAKEN';
  readonly kind = 'conflict';

  constructor(key: string) {
    super(`an order was already placed with idempotency key ${JSON.stringify(key)}`);
  }
}

/**
 * The order placed under an Idempotency-Key ended without payment, and the
 * request that placed it died before it could answer: a retry learns how it
 * ended (`payment_failed`, `rejected` or `cancelled`, with the failure code).
 */
export class OrderNotPaidError extends DomainError {
  readonly code = 'ORDER_NOT_PAID';
  readonly kind = 'conflict';
  readonly details: { readonly orderId: string; readonly orderStatus: OrderStatus; readonly failureCode: string | null };

  constructor(order: Pick<Order, 'id' | 'status' | 'failureCode'>) {
    super(`order ${order.id} ended ${order.status}${order.failureCode ? ` (${order.failureCode})` : ''} without being paid`);
    this.details = { orderId: order.id, orderStatus: order.status, failureCode: order.failureCode ?? null };
  }
}

/**
 * A dependency (the database) failed while the order was being placed, after
 * it may have been stored: whether it exists and how it ends is not known
 * here. Recovery settles it; a repeat of the request with the same
 * idempotency key learns its fate and never places a second order.
 * Answered like any unavailability, with `details.orderMayExist`.
 */
export class PlacementInDoubtError extends DomainError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly kind = 'unavailable';
  readonly details = { orderMayExist: true } as const;
  readonly dependency: string;

  constructor(dependency: string, cause?: unknown) {
    super(
      `${dependency} became unavailable while the order was being placed, so the order may exist: repeat the request with the same idempotency key to learn what became of it (a repeat never places a second order)`,
      { cause },
    );
    this.dependency = dependency;
  }
}

/** The order's status does not allow the change (cancelling an unpaid order, paying a cancelled one). */
export class OrderStateConflictError extends DomainError {
  readonly code = 'ORDER_STATE_CONFLICT';
  readonly kind = 'conflict';
  readonly details: { readonly status: OrderStatus; readonly attempted: OrderStatus };

  constructor(id: string, status: OrderStatus, attempted: OrderStatus) {
    super(`order ${id} is ${status} and cannot become ${attempted}`);
    this.details = { status, attempted };
  }
}

/** One line the stock could not cover. */
export interface ShortLine {
  readonly productId: string;
  readonly requested: number;
  readonly available: number;
}

/** The stock does not cover every line; nothing was reserved. `details.lines` names every short line. */
export class InsufficientStockError extends DomainError {
  readonly code = 'INSUFFICIENT_STOCK';
  readonly kind = 'conflict';
  readonly details: { readonly lines: readonly ShortLine[] };

  constructor(lines: readonly ShortLine[]) {
    super(`not enough stock for ${lines.length} line(s) of the order`);
    this.details = { lines: lines.map((line) => ({ ...line })) };
  }
}

/** The gateway declined the card; nothing is held. */
export class PaymentDeclinedError extends DomainError {
  readonly code = 'PAYMENT_DECLINED';
  readonly kind = 'payment_required';
  readonly details: { readonly declineCode: DeclineCode };

  constructor(declineCode: DeclineCode) {
    super(`the payment was declined: ${declineCode}`);
    this.details = { declineCode };
  }
}

/** Products named by the order do not exist. */
export class UnknownProductError extends DomainError {
  readonly code = 'UNKNOWN_PRODUCT';
  readonly kind = 'unprocessable';
  readonly details: { readonly productIds: readonly string[] };

  constructor(productIds: readonly string[]) {
    super(`the order names ${productIds.length} product(s) that do not exist`);
    this.details = { productIds: [...productIds] };
  }
}

/** The products are priced in more than one currency; an order is paid in one. */
export class MixedCurrenciesError extends DomainError {
  readonly code = 'MIXED_CURRENCIES';
  readonly kind = 'invalid';
  readonly details: { readonly currencies: readonly string[] };

  constructor(currencies: readonly string[]) {
    super(`the products are priced in ${currencies.join(', ')}; place one order per currency`);
    this.details = { currencies: [...currencies] };
  }
}

/**
 * The order's stock was already released (by recovery or a compensation), so
 * it can no longer be reserved: whoever released it has settled the order.
 */
export class ReservationClosedError extends DomainError {
  readonly code = 'RESERVATION_CLOSED';
  readonly kind = 'conflict';

  constructor(orderId: string) {
    super(`the stock of order ${orderId} was released; it cannot be reserved again`);
  }
}
