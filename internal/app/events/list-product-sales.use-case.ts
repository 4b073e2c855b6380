import type { ProductSales, ProductSalesStore } from '../../domain/events/product-sales.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

export const PRODUCT_SALES_MAX = 100;

/** The best sellers from the product-sales read model. Admin only. */
export class ListProductSales {
  readonly #store: ProductSalesStore;

  constructor(store: ProductSalesStore) {
    this.#store = store;
  }

  async execute(ctx: Context, input: { limit: number }): Promise<ProductSales[]> {
    requireAdmin(ctx, 'list product sales');
    // The transport checked the bound already; a caller without one still gets at most the maximum.
    const limit = Number.isSafeInteger(input.limit) ? Math.min(Math.max(input.limit, 1), PRODUCT_SALES_MAX) : PRODUCT_SALES_MAX;
    return this.#store.bestSellers(limit, ctx.signal);
  }
}
