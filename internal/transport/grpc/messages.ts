import type { ActivityEvent as DomainActivityEvent } from '../../domain/activity/activity-event.ts';
import type { Order as DomainOrder } from '../../domain/order/order.ts';
import type { Money as DomainMoney } from '../../domain/product/money.ts';
import type { Product as DomainProduct } from '../../domain/product/product.ts';
import type { User as DomainUser } from '../../domain/user/user.ts';
import type { ActivityEvent } from './generated/ordersvc/v1/activity.ts';
import type { Money } from './generated/ordersvc/v1/common.ts';
import type { Order } from './generated/ordersvc/v1/order.ts';
import type { Product } from './generated/ordersvc/v1/product.ts';
import type { User } from './generated/ordersvc/v1/user.ts';

// Each copies only the fields the contract exposes (never a spread entity).

/** The version as REST's ETag says it: quoted digits. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function toMoney(money: DomainMoney): Money {
  return { amountMinor: BigInt(money.amountMinor), currency: money.currency };
}

export function toUser(user: DomainUser): User {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: [...user.roles],
    createTime: user.createdAt,
    updateTime: user.updatedAt,
    etag: etagOf(user.version),
  };
}

export function toProduct(product: DomainProduct): Product {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: toMoney(product.price),
    stock: product.stock,
    createTime: product.createdAt,
    updateTime: product.updatedAt,
    etag: etagOf(product.version),
  };
}

export function toOrder(order: DomainOrder): Order {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    lines: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity, unitPrice: toMoney(line.unitPrice) })),
    total: toMoney(order.total),
    authorizationId: order.authorizationId ?? '',
    failureCode: order.failureCode ?? '',
    createTime: order.createdAt,
    updateTime: order.updatedAt,
  };
}

export function toActivityEvent(event: DomainActivityEvent): ActivityEvent {
  return { id: String(event.id), userId: event.userId, type: event.type, occurTime: event.occurredAt, data: { ...event.data } };
}
