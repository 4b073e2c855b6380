import type { OrderLineInput } from '../../internal/domain/order/order.ts';
import { InsufficientStockError, ReservationClosedError, UnknownProductError } from '../../internal/domain/order/order.errors.ts';
import type { ReservationState, StockReservations } from '../../internal/domain/order/stock-reservations.ts';
import type { Product } from '../../internal/domain/product/product.ts';
import type { ProductRepository } from '../../internal/domain/product/product-repository.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import { ANY_VERSION } from '../../internal/domain/shared/version.ts';
import { KeyedLock } from './keyed-lock.ts';

interface Reservation {
  readonly state: 'reserved' | 'released';
  readonly lines: readonly OrderLineInput[];
}

const ALL = 'stock';

/**
 * Reservations over any `ProductRepository` (the in-memory one in tests):
 * calls run one at a time, so each is all or nothing as the PostgreSQL
 * transaction is. Stock changed by other writers of the repository meanwhile
 * is caught by the change guard and undone.
 */
export class InMemoryStockReservations implements StockReservations {
  readonly #products: ProductRepository;
  readonly #reservations = new Map<string, Reservation>();
  readonly #lock = new KeyedLock();

  constructor(products: ProductRepository) {
    this.#products = products;
  }

  reserve(ctx: Context, orderId: string, lines: readonly OrderLineInput[]): Promise<Product[]> {
    return this.#lock.run(ALL, async () => {
      ctx.signal.throwIfAborted();
      const existing = this.#reservations.get(orderId);
      if (existing?.state === 'reserved') return [];
      if (existing?.state === 'released') throw new ReservationClosedError(orderId);
      const wanted = inIdOrder(lines);
      const found = await Promise.all(wanted.map((line) => this.#products.findById(ctx, line.productId)));
      const unknown = wanted.filter((_, i) => !found[i]).map((line) => line.productId);
      if (unknown.length > 0) throw new UnknownProductError(unknown);
      const short = wanted
        .map((line, i) => ({ productId: line.productId, requested: line.quantity, available: found[i]!.stock }))
        .filter((line) => line.available < line.requested);
      if (short.length > 0) throw new InsufficientStockError(short);
      const changed = await this.#apply(ctx, wanted, -1);
      this.#reservations.set(orderId, { state: 'reserved', lines: wanted });
      return changed;
    });
  }

  release(ctx: Context, orderId: string): Promise<Product[]> {
    return this.#lock.run(ALL, async () => {
      ctx.signal.throwIfAborted();
      const existing = this.#reservations.get(orderId);
      this.#reservations.set(orderId, { state: 'released', lines: existing?.lines ?? [] });
      if (existing?.state !== 'reserved') return [];
      return this.#apply(ctx, existing.lines, +1);
    });
  }

  stateOf(ctx: Context, orderId: string): Promise<ReservationState> {
    return new Promise((resolve) => {
      ctx.signal.throwIfAborted();
      resolve(this.#reservations.get(orderId)?.state ?? 'none');
    });
  }

  async #apply(ctx: Context, lines: readonly OrderLineInput[], sign: 1 | -1): Promise<Product[]> {
    const changed: Product[] = [];
    try {
      for (const line of lines) {
        const delta = sign * line.quantity;
        changed.push(
          await this.#products.update(ctx, line.productId, ANY_VERSION, (product) => {
            if (product.stock + delta < 0) throw new InsufficientStockError([{ productId: product.id, requested: line.quantity, available: product.stock }]);
            return { ...product, stock: product.stock + delta };
          }),
        );
      }
      return changed;
    } catch (error) {
      // Undo what was applied, whatever the caller's deadline says: half an order must not stay.
      const undo = { ...ctx, signal: new AbortController().signal };
      for (const [i, product] of changed.entries()) {
        const delta = sign * lines[i]!.quantity;
        await this.#products.update(undo, product.id, ANY_VERSION, (current) => ({ ...current, stock: current.stock - delta }));
      }
      throw error;
    }
  }
}

function inIdOrder(lines: readonly OrderLineInput[]): OrderLineInput[] {
  const sorted = lines.map((line) => ({ productId: line.productId, quantity: line.quantity })).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  if (sorted.some((line, i) => i > 0 && line.productId === sorted[i - 1]!.productId)) throw new Error('a reservation names a product twice');
  return sorted;
}
