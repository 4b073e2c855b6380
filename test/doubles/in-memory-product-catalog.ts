import type { ProductCatalog } from '../../internal/domain/order/product-catalog.ts';
import type { Product } from '../../internal/domain/product/product.ts';
import type { ProductRepository } from '../../internal/domain/product/product-repository.ts';
import type { Context } from '../../internal/domain/shared/context.ts';

/** The catalog over any `ProductRepository` (the in-memory one in tests); one read per id is fine in memory. */
export class InMemoryProductCatalog implements ProductCatalog {
  readonly #products: ProductRepository;

  constructor(products: ProductRepository) {
    this.#products = products;
  }

  async findMany(ctx: Context, ids: readonly string[]): Promise<Product[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.#products.findById(ctx, id)));
    return found.filter((product) => product !== undefined);
  }
}
