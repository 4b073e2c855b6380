import type { Context } from '../../domain/shared/context.ts';
import type { Product } from '../../domain/product/product.ts';
import { ProductNotFoundError } from '../../domain/product/product.errors.ts';
import type { ProductRepository } from '../../domain/product/product-repository.ts';

/** Public: anyone may look at a product. */
export class GetProduct {
  readonly #products: ProductRepository;

  constructor(products: ProductRepository) {
    this.#products = products;
  }

  async execute(ctx: Context, id: string): Promise<Product> {
    const product = await this.#products.findById(ctx, id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }
}
