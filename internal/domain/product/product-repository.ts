import type { Context } from '../shared/context.ts';
import type { Served } from '../shared/served.ts';
import type { ExpectedVersion } from '../shared/version.ts';
import type { NewProduct, Product } from './product.ts';

/** One page of products: keyset by id, optionally only names starting with a prefix. */
export interface ProductListQuery {
  readonly limit: number;
  readonly afterId?: string | undefined;
  /** Matched literally (no wildcards) and regardless of letter case. */
  readonly namePrefix?: string | undefined;
}

/** Where products live. Every method honours `ctx.signal`. */
export interface ProductRepository {
  /** @throws SkuTakenError */
  create(ctx: Context, product: NewProduct): Promise<Product>;

  findById(ctx: Context, id: string): Promise<Product | undefined>;

  /** What `findById` answers, and how it was served (from a cache, stale): for reads that report it. */
  serveById(ctx: Context, id: string): Promise<Served<Product | undefined>>;

  /** Products in id order (ids are time-ordered), strictly after `afterId`. */
  list(ctx: Context, query: ProductListQuery): Promise<Product[]>;

  /**
   * Locks the product, checks its version, applies `change` and saves the
   * result with the version bumped; a change that returns the same object is a no-op.
   * @throws ProductNotFoundError, StaleVersionError, SkuTakenError
   */
  update(ctx: Context, id: string, expected: ExpectedVersion, change: (product: Product) => Product): Promise<Product>;
}
