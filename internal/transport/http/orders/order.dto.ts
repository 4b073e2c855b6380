import type { Order } from '../../../domain/order/order.ts';
import type { components } from '../api-schema.d.ts';

export type OrderDto = components['schemas']['Order'];
export type PlaceOrderRequest = components['schemas']['PlaceOrderRequest'];
export type OrderPageDto = components['schemas']['OrderPage'];

/** Copies only the fields the contract exposes (the card token is never part of an order). */
export function toOrderDto(order: Order): OrderDto {
  return {
    id: order.id,
    user_id: order.userId,
    status: order.status,
    lines: order.lines.map((line) => ({
      product_id: line.productId,
      quantity: line.quantity,
      unit_price: { amount: line.unitPrice.amountMinor, currency: line.unitPrice.currency },
    })),
    total: { amount: order.total.amountMinor, currency: order.total.currency },
    authorization_id: order.authorizationId ?? null,
    failure_code: order.failureCode ?? null,
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
  };
}
