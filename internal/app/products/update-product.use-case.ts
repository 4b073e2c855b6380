import type { Context } from '../../domain/shared/context.ts';
import { VersionRequiredError, type ExpectedVersion } from '../../domain/shared/version.ts';
import { changeProduct, type Product, type ProductChanges } from '../../domain/product/product.ts';
import type { ProductRepository } from '../../domain/product/product-repository.ts';
import { requireAdmin } from '../access/access-policy.ts';

export interface UpdateProductInput {
  readonly id: string;
  /** Absent when the caller did not say which version it read (no If-Match). */
  readonly expected: ExpectedVersion | undefined;
  readonly changes: ProductChanges;
}

export class UpdateProduct {
  readonly #products: ProductRepository;

  constructor(products: ProductRepository) {
    this.#products = products;
  }

  /**
   * @throws AuthenticationRequiredError, ForbiddenError, VersionRequiredError,
   *   ProductNotFoundError, StaleVersionError, ValidationError, SkuTakenError
   */
  async execute(ctx: Context, input: UpdateProductInput): Promise<Product> {
    requireAdmin(ctx, 'update products');
    if (!input.expected) throw new VersionRequiredError('product');
    return this.#products.update(ctx, input.id, input.expected, (product) => changeProduct(product, input.changes));
  }
}
