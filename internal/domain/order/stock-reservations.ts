import type { Product } from '../product/product.ts';
import type { Context } from '../shared/context.ts';
import type { OrderLineInput } from './order.ts';

/** Whether an order holds stock: never asked for, held, or given back (for good). */
export type ReservationState = 'none' | 'reserved' | 'released';

/**
 * Stock held for orders, at most one reservation per order. Both methods
 * return the products whose stock they changed, as saved (version bumped),
 * so a cache in front of the products can be written through.
 */
export interface StockReservations {
  /**
   * Takes the lines' quantities off the products' stock, all or nothing, in one
   * transaction that locks the products in id order. Reserving an order that
   * is already reserved changes nothing and returns no products.
   * @throws InsufficientStockError naming every short line, UnknownProductError,
   *   ReservationClosedError when the order's stock was released before
   */
  reserve(ctx: Context, orderId: string, lines: readonly OrderLineInput[]): Promise<Product[]>;

  /**
   * Gives the order's stock back, once however often it is called. Releasing an
   * order that holds nothing records that, so a reservation still on its way
   * can no longer land (it fails with ReservationClosedError).
   */
  release(ctx: Context, orderId: string): Promise<Product[]>;

  stateOf(ctx: Context, orderId: string): Promise<ReservationState>;
}
