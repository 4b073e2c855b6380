import type { Product } from '../product/product.ts';
import type { Context } from '../shared/context.ts';

/**
 * The products an order names, read in one go from the source of truth (not a
 * cache): an order is priced at current prices.
 */
export interface ProductCatalog {
  /** The products with these ids that exist, in no particular order; unknown ids are left out. */
  findMany(ctx: Context, ids: readonly string[]): Promise<Product[]>;
}
