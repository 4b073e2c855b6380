import type { Order } from '../order/order.ts';
import type { Money } from '../product/money.ts';
import type { Product } from '../product/product.ts';
import type { NewUser } from '../user/user.ts';

/** What the outside world may learn from ordersvc (api/asyncapi.yaml describes each). */
export const EVENT_TYPES = [
  'order.placed',
  'order.paid',
  'order.payment_failed',
  'order.rejected',
  'order.cancelled',
  'user.registered',
  'user.deleted',
  'product.created',
  'product.price_changed',
  'product.stock_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type Aggregate = 'order' | 'user' | 'product';

/** The JSON shape of an amount inside an event. */
export interface MoneyData {
  readonly amount_minor: number;
  readonly currency: string;
}

/**
 * A fact to publish, before it has an id and a time: the outbox gives it both
 * when it is written, inside the transaction of the change it tells of.
 * `data` is plain JSON in the published field names (snake_case).
 */
export interface IntegrationEvent {
  readonly type: EventType;
  readonly aggregate: Aggregate;
  readonly aggregateId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const money = (value: Money): MoneyData => ({ amount_minor: value.amountMinor, currency: value.currency });

export function userRegisteredEvent(user: NewUser): IntegrationEvent {
  return { type: 'user.registered', aggregate: 'user', aggregateId: user.id, data: { user_id: user.id, name: user.name, email: user.email, roles: [...user.roles].sort() } };
}

export function userDeletedEvent(userId: string): IntegrationEvent {
  return { type: 'user.deleted', aggregate: 'user', aggregateId: userId, data: { user_id: userId } };
}

export function productCreatedEvent(product: Pick<Product, 'id' | 'sku' | 'name' | 'price' | 'stock'>): IntegrationEvent {
  return { type: 'product.created', aggregate: 'product', aggregateId: product.id, data: { product_id: product.id, sku: product.sku, name: product.name, price: money(product.price), stock: product.stock } };
}

/** The events of a product update: a new price and a new stock level are each a fact. */
export function productChangedEvents(before: Product, after: Product): IntegrationEvent[] {
  const events: IntegrationEvent[] = [];
  if (before.price.amountMinor !== after.price.amountMinor || before.price.currency !== after.price.currency) {
    events.push({ type: 'product.price_changed', aggregate: 'product', aggregateId: after.id, data: { product_id: after.id, sku: after.sku, previous_price: money(before.price), price: money(after.price) } });
  }
  if (before.stock !== after.stock) {
    events.push({ type: 'product.stock_changed', aggregate: 'product', aggregateId: after.id, data: { product_id: after.id, sku: after.sku, previous_stock: before.stock, stock: after.stock } });
  }
  return events;
}

type OrderFacts = Pick<Order, 'id' | 'userId' | 'lines' | 'total'>;

function orderData(order: OrderFacts): Record<string, unknown> {
  return {
    order_id: order.id,
    user_id: order.userId,
    lines: order.lines.map((line) => ({ product_id: line.productId, quantity: line.quantity, unit_price: money(line.unitPrice) })),
    total: money(order.total),
  };
}

export function orderPlacedEvent(order: OrderFacts): IntegrationEvent {
  return { type: 'order.placed', aggregate: 'order', aggregateId: order.id, data: orderData(order) };
}

/** The event of a change of status, or undefined when the new status is not one the outside is told of. */
export function orderStatusEvent(before: Order, after: Order): IntegrationEvent | undefined {
  if (before.status === after.status) return undefined;
  const base = { aggregate: 'order', aggregateId: after.id } as const;
  switch (after.status) {
    case 'paid':
      return { ...base, type: 'order.paid', data: { ...orderData(after), authorization_id: after.authorizationId ?? null } };
    case 'payment_failed':
      return { ...base, type: 'order.payment_failed', data: { order_id: after.id, user_id: after.userId, failure_code: after.failureCode ?? 'unknown' } };
    case 'rejected':
      return { ...base, type: 'order.rejected', data: { order_id: after.id, user_id: after.userId, failure_code: after.failureCode ?? 'unknown' } };
    case 'cancelled':
      return { ...base, type: 'order.cancelled', data: { ...orderData(after), previous_status: before.status } };
    case 'pending':
      return undefined;
  }
}

/** `ordersvc.order.paid` — the subject an event type is published on. */
export function subjectOf(type: EventType): string {
  return `ordersvc.${type}`;
}

/** `ordersvc.order.paid.v1` — the CloudEvents type (the version goes up on a breaking change of `data`). */
export function cloudEventTypeOf(type: EventType): string {
  return `ordersvc.${type}.v1`;
}
