import type { Order, OrderStatus } from '../order/order.ts';
import { sameRoles, type User } from '../user/user.ts';

export const ACTIVITY_TYPES = [
  'user_registered',
  'profile_updated',
  'order_placed',
  'order_paid',
  'order_payment_failed',
  'order_rejected',
  'order_cancelled',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** What an event says beyond its type: a small JSON object with snake_case members, no secrets. */
export type ActivityData = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/**
 * Something that happened to a user, recorded in the same transaction as the
 * change. `id` grows with every event, and one user's events commit in id
 * order, so "every event after id N" is a complete resume point.
 */
export interface ActivityEvent {
  readonly id: number;
  readonly userId: string;
  readonly type: ActivityType;
  readonly occurredAt: Date;
  readonly data: ActivityData;
}

export type NewActivityEvent = Pick<ActivityEvent, 'userId' | 'type' | 'data'>;

export function isActivityType(value: unknown): value is ActivityType {
  return typeof value === 'string' && (ACTIVITY_TYPES as readonly string[]).includes(value);
}

export function userRegistered(user: Pick<User, 'id' | 'roles'>): NewActivityEvent {
  return { userId: user.id, type: 'user_registered', data: { roles: [...user.roles] } };
}

/** The fields that changed (never their values: an email is personal data that logs and streams don't need). */
export function profileUpdated(before: User, after: User): NewActivityEvent | undefined {
  const fields: string[] = [];
  if (before.name !== after.name) fields.push('name');
  if (before.email !== after.email) fields.push('email');
  if (!sameRoles(before.roles, after.roles)) fields.push('roles');
  return fields.length === 0 ? undefined : { userId: after.id, type: 'profile_updated', data: { fields } };
}

export function orderPlaced(order: Order): NewActivityEvent {
  return { userId: order.userId, type: 'order_placed', data: orderData(order) };
}

const TYPE_BY_STATUS: Readonly<Partial<Record<OrderStatus, ActivityType>>> = {
  paid: 'order_paid',
  payment_failed: 'order_payment_failed',
  rejected: 'order_rejected',
  cancelled: 'order_cancelled',
};

/** The event for a change of status, if the new status is one worth telling. */
export function orderStatusChanged(before: Order, after: Order): NewActivityEvent | undefined {
  if (before.status === after.status) return undefined;
  const type = TYPE_BY_STATUS[after.status];
  return type && { userId: after.userId, type, data: orderData(after) };
}

function orderData(order: Order): ActivityData {
  return {
    order_id: order.id,
    status: order.status,
    total_amount: order.total.amountMinor,
    currency: order.total.currency,
    failure_code: order.failureCode ?? null,
  };
}
