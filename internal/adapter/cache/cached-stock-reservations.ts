import type { OrderLineInput } from '../../domain/order/order.ts';
import type { ReservationState, StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { TwoLevelCache } from './two-level-cache.ts';

/**
 * Writes the products whose stock a reservation or a release changed through
 * to the product cache once committed (version-checked there, and
 * invalidated on the other replicas), so cached reads show the new stock.
 */
export class CachedStockReservations implements StockReservations {
  readonly #inner: StockReservations;
  readonly #cache: TwoLevelCache<Product>;

  constructor(inner: StockReservations, cache: TwoLevelCache<Product>) {
    this.#inner = inner;
    this.#cache = cache;
  }

  async reserve(ctx: Context, orderId: string, lines: readonly OrderLineInput[]): Promise<Product[]> {
    return this.#writeThrough(ctx, await this.#inner.reserve(ctx, orderId, lines));
  }

  async release(ctx: Context, orderId: string): Promise<Product[]> {
    return this.#writeThrough(ctx, await this.#inner.release(ctx, orderId));
  }

  stateOf(ctx: Context, orderId: string): Promise<ReservationState> {
    return this.#inner.stateOf(ctx, orderId);
  }

  async #writeThrough(ctx: Context, changed: Product[]): Promise<Product[]> {
    await Promise.all(changed.map((product) => this.#cache.put(ctx, product.id, product)));
    return changed;
  }
}
