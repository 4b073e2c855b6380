import { MONEY_MAX_AMOUNT_MINOR, type Money } from '../product/money.ts';
import type { Product } from '../product/product.ts';
import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';
import { MixedCurrenciesError, OrderStateConflictError, UnknownProductError } from './order.errors.ts';

export const ORDER_STATUSES = ['pending', 'paid', 'payment_failed', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_LINES_MAX = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const LINE_QUANTITY_MAX = 1000;

/**
 * Where each status may go. `pending` is the only status a crash can leave
 * behind; recovery moves it on like the placing request would have.
 */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'payment_failed', 'rejected'],
  paid: ['cancelled'],
  payment_failed: [],
  rejected: [],
  cancelled: [],
};

/** One product of an order at the price it had when the order was placed. */
export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  /** In the order's currency, minor units. */
  readonly unitPrice: Money;
}

export interface OrderLineInput {
  readonly productId: string;
  readonly quantity: number;
}

/** A customer's order; `version` goes up with every change of status. */
export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  /** The sum of the lines, in the one currency of the order. */
  readonly total: Money;
  /** The gateway's authorization: set when paid (kept when cancelled), and for declines. */
  readonly authorizationId: string | undefined;
  /** Why a `payment_failed` or `rejected` order failed: a decline code, `insufficient_stock`, ... */
  readonly failureCode: string | undefined;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** An order as it is created: always `pending`. */
export type NewOrder = Pick<Order, 'id' | 'userId' | 'lines' | 'total'> & {
  /** The Idempotency-Key of the request placing it: at most one order per user and key. */
  readonly idempotencyKey?: string | undefined;
};

/** True for a UUID in any letter case (ids are compared in lower case). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/**
 * Checks the shape of the requested lines: 1 to 50, quantities 1 to 1000,
 * no product twice. Problems name the line (`lines[0].quantity`).
 * @throws ValidationError
 */
export function checkOrderLines(lines: readonly OrderLineInput[]): OrderLineInput[] {
  const issues: FieldIssue[] = [];
  const given: unknown = lines;
  if (!Array.isArray(given) || lines.length === 0 || lines.length > ORDER_LINES_MAX) {
    issues.push({ field: 'lines', message: `must hold 1 to ${ORDER_LINES_MAX} lines` });
    throw new ValidationError('the order is not valid', issues);
  }
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const productId = typeof line.productId === 'string' ? line.productId.toLowerCase() : '';
    if (!UUID.test(productId)) {
      issues.push({ field: `lines[${i}].product_id`, message: 'must be a product id (a UUID)' });
    } else if (seen.has(productId)) {
      issues.push({ field: `lines[${i}].product_id`, message: 'names a product already in the order; add up the quantities instead' });
    }
    seen.add(productId);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > LINE_QUANTITY_MAX) {
      issues.push({ field: `lines[${i}].quantity`, message: `must be a whole number from 1 to ${LINE_QUANTITY_MAX}` });
    }
  });
  if (issues.length > 0) throw new ValidationError('the order is not valid', issues);
  return lines.map((line) => ({ productId: line.productId.toLowerCase(), quantity: line.quantity }));
}

/**
 * Prices checked lines at the products' current prices. The total is summed
 * exactly (BigInt) and must stay within what money may hold.
 * @throws UnknownProductError, MixedCurrenciesError, ValidationError
 */
export function priceOrder(id: string, userId: string, lines: readonly OrderLineInput[], products: readonly Product[]): NewOrder {
  const byId = new Map(products.map((product) => [product.id, product]));
  const unknown = lines.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (unknown.length > 0) throw new UnknownProductError(unknown);
  const priced = lines.map((line) => ({ line, price: byId.get(line.productId)!.price }));
  const currencies = [...new Set(priced.map(({ price }) => price.currency))];
  if (currencies.length > 1) throw new MixedCurrenciesError(currencies.sort());
  const currency = currencies[0]!;
  const total = priced.reduce((sum, { line, price }) => sum + BigInt(price.amountMinor) * BigInt(line.quantity), 0n);
  if (total > BigInt(MONEY_MAX_AMOUNT_MINOR)) {
    throw new ValidationError('the order is not valid', [{ field: 'lines', message: `the total must not exceed ${MONEY_MAX_AMOUNT_MINOR} minor units` }]);
  }
  return {
    id,
    userId,
    lines: priced.map(({ line, price }) => ({ productId: line.productId, quantity: line.quantity, unitPrice: { ...price } })),
    total: { amountMinor: Number(total), currency },
  };
}

/** pending → paid, with the approved authorization. */
export function markPaid(order: Order, authorizationId: string): Order {
  return { ...move(order, 'paid'), authorizationId, failureCode: undefined };
}

/** pending → payment_failed: declined (the decline code) or not authorized at all. */
export function markPaymentFailed(order: Order, failureCode: string, authorizationId?: string): Order {
  return { ...move(order, 'payment_failed'), failureCode, authorizationId: authorizationId ?? order.authorizationId };
}

/** pending → rejected: the stock could not be reserved. */
export function markRejected(order: Order, failureCode: string): Order {
  return { ...move(order, 'rejected'), failureCode };
}

/** paid → cancelled; the authorization id stays for the record. */
export function markCancelled(order: Order): Order {
  return move(order, 'cancelled');
}

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

function move(order: Order, to: OrderStatus): Order {
  if (!canMove(order.status, to)) throw new OrderStateConflictError(order.id, order.status, to);
  return { ...order, status: to };
}
