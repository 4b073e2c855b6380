import type { Context } from '../../domain/shared/context.ts';
import { newProduct, type Product, type ProductInput } from '../../domain/product/product.ts';
import type { ProductRepository } from '../../domain/product/product-repository.ts';
import { requireAdmin } from '../access/access-policy.ts';

export type CreateProductInput = ProductInput;

export class CreateProduct {
  readonly #products: ProductRepository;
  readonly #newId: () => string;

  constructor(products: ProductRepository, newId: () => string) {
    this.#products = products;
    this.#newId = newId;
  }

  /** @throws AuthenticationRequiredError, ForbiddenError, ValidationError, SkuTakenError */
  async execute(ctx: Context, input: CreateProductInput): Promise<Product> {
    requireAdmin(ctx, 'create products');
    const product = newProduct(this.#newId(), input);
    return this.#products.create(ctx, product);
  }
}
