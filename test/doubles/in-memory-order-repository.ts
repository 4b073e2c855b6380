import type { NewOrder, Order, OrderLine, OrderStatus } from '../../internal/domain/order/order.ts';
import { OrderKeyTakenError, OrderNotFoundError } from '../../internal/domain/order/order.errors.ts';
import type { OrderChange, OrderListQuery, OrderRepository, StalePendingOutcome, StalePendingQuery } from '../../internal/domain/order/order-repository.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import { KeyedLock } from './keyed-lock.ts';

// Orders that failed with everything undone let go of their idempotency key.
const KEY_RELEASED_BY: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['payment_failed', 'rejected']);

/**
 * Keeps orders in a map and behaves like the PostgreSQL adapter (a lock per
 * order stands in for the row lock; nothing checks that users and products
 * exist); for use-case tests.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly #orders = new Map<string, Order>();
  // order id → the idempotency key it was placed with
  readonly #keys = new Map<string, string>();
  readonly #locks = new KeyedLock();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  create(ctx: Context, order: NewOrder): Promise<Order> {
    return settle(ctx, () => {
      if (this.#orders.has(order.id)) throw new Error(`an order with id ${order.id} already exists`);
      const holder = order.idempotencyKey === undefined ? undefined : this.#newestWithKey(order.userId, order.idempotencyKey);
      if (holder && !KEY_RELEASED_BY.has(holder.status)) throw new OrderKeyTakenError(order.idempotencyKey!);
      const now = this.#now();
      const created: Order = {
        id: order.id,
        userId: order.userId,
        status: 'pending',
        lines: copyLines(order.lines),
        total: { ...order.total },
        authorizationId: undefined,
        failureCode: undefined,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      this.#orders.set(order.id, created);
      if (order.idempotencyKey !== undefined) this.#keys.set(order.id, order.idempotencyKey);
      return copy(created);
    });
  }

  findById(ctx: Context, id: string): Promise<Order | undefined> {
    return settle(ctx, () => {
      const order = this.#orders.get(id);
      return order && copy(order);
    });
  }

  findByIdempotencyKey(ctx: Context, userId: string, key: string): Promise<Order | undefined> {
    return settle(ctx, () => {
      const order = this.#newestWithKey(userId, key);
      return order && copy(order);
    });
  }

  #newestWithKey(userId: string, key: string): Order | undefined {
    let newest: Order | undefined;
    for (const order of this.#orders.values()) {
      if (order.userId === userId && this.#keys.get(order.id) === key && (!newest || order.id > newest.id)) newest = order;
    }
    return newest;
  }

  listForUser(ctx: Context, userId: string | undefined, query: OrderListQuery): Promise<Order[]> {
    return settle(ctx, () =>
      [...this.#orders.values()]
        .filter((order) => userId === undefined || order.userId === userId)
        .filter((order) => query.beforeId === undefined || order.id < query.beforeId)
        .filter((order) => query.status === undefined || order.status === query.status)
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, query.limit)
        .map(copy),
    );
  }

  update(ctx: Context, id: string, change: OrderChange): Promise<Order> {
    return this.#locks.run(id, async () => {
      ctx.signal.throwIfAborted();
      if (!this.#orders.has(id)) throw new OrderNotFoundError(id);
      return this.#apply(id, change);
    });
  }

  // Reading is free here: always the locked path.
  updateKnown(ctx: Context, known: Order, change: OrderChange): Promise<Order> {
    return this.update(ctx, known.id, change);
  }

  async resolveStalePending(ctx: Context, query: StalePendingQuery, resolve: OrderChange): Promise<StalePendingOutcome[]> {
    const cutoff = this.#now().getTime() - query.olderThanMs;
    const candidates = [...this.#orders.values()]
      .filter((order) => order.status === 'pending' && order.createdAt.getTime() < cutoff)
      .map((order) => order.id)
      .sort();
    const outcomes: StalePendingOutcome[] = [];
    for (const id of candidates) {
      if (outcomes.length >= query.limit) break;
      ctx.signal.throwIfAborted();
      // SKIP LOCKED: an order someone else is changing is theirs.
      if (this.#locks.isHeld(id)) continue;
      try {
        const resolved = await this.#locks.run(id, () => (this.#orders.get(id)?.status === 'pending' ? this.#apply(id, resolve) : Promise.resolve(undefined)));
        if (resolved) outcomes.push({ orderId: id, order: resolved });
      } catch (error) {
        outcomes.push({ orderId: id, error });
      }
    }
    return outcomes;
  }

  async #apply(id: string, change: OrderChange): Promise<Order> {
    const current = copy(this.#orders.get(id)!);
    const next = await change(current);
    if (next === current) return current;
    const saved: Order = {
      ...this.#orders.get(id)!,
      status: next.status,
      authorizationId: next.authorizationId,
      failureCode: next.failureCode,
      version: current.version + 1,
      updatedAt: this.#now(),
    };
    this.#orders.set(id, saved);
    return copy(saved);
  }
}

// Runs `work` as a rejected-or-resolved promise, like a real store, after checking the deadline.
function settle<T>(ctx: Context, work: () => T): Promise<T> {
  return new Promise((resolve) => {
    ctx.signal.throwIfAborted();
    resolve(work());
  });
}

function copy(order: Order): Order {
  return { ...order, lines: copyLines(order.lines), total: { ...order.total }, createdAt: new Date(order.createdAt), updatedAt: new Date(order.updatedAt) };
}

function copyLines(lines: readonly OrderLine[]): OrderLine[] {
  return lines.map((line) => ({ ...line, unitPrice: { ...line.unitPrice } }));
}
