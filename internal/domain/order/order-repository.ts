import type { Context } from '../shared/context.ts';
import type { NewOrder, Order, OrderStatus } from './order.ts';

/** One page of orders, newest first (ids descending), strictly before `beforeId`. */
export interface OrderListQuery {
  readonly limit: number;
  readonly beforeId?: string | undefined;
  readonly status?: OrderStatus | undefined;
}

/** Which pending orders recovery takes on: older than `olderThanMs` (by the store's clock), at most `limit`. */
export interface StalePendingQuery {
  readonly olderThanMs: number;
  readonly limit: number;
}

/** What became of one order recovery took on. */
export type StalePendingOutcome =
  | { readonly orderId: string; readonly order: Order }
  | { readonly orderId: string; readonly error: unknown };

/**
 * Changes an order while its row is locked. It may call out (the payment
 * gateway): keep it short, since the lock and a connection are held meanwhile.
 * Returning the order unchanged saves nothing.
 */
export type OrderChange = (order: Order) => Order | Promise<Order>;

/** Where orders and their lines live. Every method honours `ctx.signal` until a change has been decided. */
export interface OrderRepository {
  /**
   * Stores a `pending` order with its lines at version 1.
   * @throws OrderKeyTakenError when the user has an order under the same
   *   idempotency key that did not fail (failed ones — `payment_failed`,
   *   `rejected` — let go of their key)
   */
  create(ctx: Context, order: NewOrder): Promise<Order>;

  findById(ctx: Context, id: string): Promise<Order | undefined>;

  /** The newest order `userId` placed with the Idempotency-Key `key`, if any. */
  findByIdempotencyKey(ctx: Context, userId: string, key: string): Promise<Order | undefined>;

  /** Orders of `userId` (of everyone when undefined), newest first. */
  listForUser(ctx: Context, userId: string | undefined, query: OrderListQuery): Promise<Order[]>;

  /**
   * Locks the order, applies `change` and saves its status, authorization and
   * failure code with the version bumped. Concurrent updates of one order run
   * one after the other, each seeing what the previous one saved.
   * @throws OrderNotFoundError, and whatever `change` throws (nothing is saved then)
   */
  update(ctx: Context, id: string, change: OrderChange): Promise<Order>;

  /**
   * `update` for a caller holding the order as it was last saved (`known`):
   * `change` is applied to `known` and saved only while the order is still at
   * that version; when it moved on meanwhile, this is `update` (locked, read,
   * `change` applied to what is stored). Saves a read when nothing interfered.
   * `change` must be free of effects: it may run twice.
   * @throws OrderNotFoundError, and whatever `change` throws (nothing is saved then)
   */
  updateKnown(ctx: Context, known: Order, change: OrderChange): Promise<Order>;

  /**
   * Takes on pending orders older than the threshold one at a time in id order,
   * skipping any that another caller holds locked (so replicas share the work
   * without doing an order twice), and saves what `resolve` returns. An order
   * whose `resolve` throws stays as it was and is reported with the error.
   */
  resolveStalePending(ctx: Context, query: StalePendingQuery, resolve: OrderChange): Promise<StalePendingOutcome[]>;
}
