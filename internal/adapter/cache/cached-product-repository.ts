import type { Context } from '../../domain/shared/context.ts';
import type { Served } from '../../domain/shared/served.ts';
import type { ExpectedVersion } from '../../domain/shared/version.ts';
import type { NewProduct, Product } from '../../domain/product/product.ts';
import type { ProductListQuery, ProductRepository } from '../../domain/product/product-repository.ts';
import type { TwoLevelCache } from './two-level-cache.ts';

/**
 * Reads of one product go through the two-level cache; every committed write
 * goes through to it (version-checked) and invalidates the other replicas.
 * Pages are not cached: they change with every insert.
 */
export class CachedProductRepository implements ProductRepository {
  readonly #inner: ProductRepository;
  readonly #cache: TwoLevelCache<Product>;

  constructor(inner: ProductRepository, cache: TwoLevelCache<Product>) {
    this.#inner = inner;
    this.#cache = cache;
  }

  async findById(ctx: Context, id: string): Promise<Product | undefined> {
    return (await this.serveById(ctx, id)).value;
  }

  serveById(ctx: Context, id: string): Promise<Served<Product | undefined>> {
    return this.#cache.get(ctx, id, (signal) => this.#inner.findById({ ...ctx, signal }, id));
  }

  list(ctx: Context, query: ProductListQuery): Promise<Product[]> {
    return this.#inner.list(ctx, query);
  }

  async create(ctx: Context, product: NewProduct): Promise<Product> {
    const created = await this.#inner.create(ctx, product);
    await this.#cache.put(ctx, created.id, created);
    return created;
  }

  async update(ctx: Context, id: string, expected: ExpectedVersion, change: (product: Product) => Product): Promise<Product> {
    const updated = await this.#inner.update(ctx, id, expected, change);
    await this.#cache.put(ctx, id, updated);
    return updated;
  }
}
