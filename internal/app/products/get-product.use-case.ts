import type { Context } from '../../domain/shared/context.ts';
import type { Served } from '../../domain/shared/served.ts';
import type { Product } from '../../domain/product/product.ts';
import { ProductNotFoundError } from '../../domain/product/product.errors.ts';
import type { ProductRepository } from '../../domain/product/product-repository.ts';

/** Public: anyone may look at a product. */
export class GetProduct {
  readonly #products: ProductRepository;

  constructor(products: ProductRepository) {
    this.#products = products;
  }

  /** Says how the product was served (from a cache, stale) so the transport can tell. */
  async execute(ctx: Context, id: string): Promise<Served<Product>> {
    const served = await this.#products.serveById(ctx, id);
    const product = served.value;
    if (!product) throw new ProductNotFoundError(id);
    return { ...served, value: product };
  }
}
