import { sameSku, type NewProduct, type Product } from '../../internal/domain/product/product.ts';
import { ProductNotFoundError, SkuTakenError } from '../../internal/domain/product/product.errors.ts';
import type { ProductListQuery, ProductRepository } from '../../internal/domain/product/product-repository.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import { servedBySource, type Served } from '../../internal/domain/shared/served.ts';
import { StaleVersionError, versionMatches, type ExpectedVersion } from '../../internal/domain/shared/version.ts';

/** Keeps products in a map and behaves like the PostgreSQL adapter; for use-case tests. */
export class InMemoryProductRepository implements ProductRepository {
  readonly #products = new Map<string, Product>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  create(ctx: Context, product: NewProduct): Promise<Product> {
    return settle(ctx, () => {
      if (this.#products.has(product.id)) throw new Error(`a product with id ${product.id} already exists`);
      this.#assertSkuFree(product.sku, product.id);
      const now = this.#now();
      const created: Product = { ...product, price: { ...product.price }, version: 1, createdAt: now, updatedAt: now };
      this.#products.set(product.id, created);
      return copy(created);
    });
  }

  // No cache in front: the source itself answers.
  async serveById(ctx: Context, id: string): Promise<Served<Product | undefined>> {
    return servedBySource(await this.findById(ctx, id));
  }

  findById(ctx: Context, id: string): Promise<Product | undefined> {
    return settle(ctx, () => {
      const product = this.#products.get(id);
      return product && copy(product);
    });
  }

  list(ctx: Context, query: ProductListQuery): Promise<Product[]> {
    return settle(ctx, () => {
      const { afterId } = query;
      const prefix = query.namePrefix?.toLowerCase() ?? '';
      return [...this.#products.values()]
        .filter((product) => afterId === undefined || product.id > afterId)
        .filter((product) => product.name.toLowerCase().startsWith(prefix))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, query.limit)
        .map(copy);
    });
  }

  update(ctx: Context, id: string, expected: ExpectedVersion, change: (product: Product) => Product): Promise<Product> {
    return settle(ctx, () => {
      const stored = this.#products.get(id);
      if (!stored) throw new ProductNotFoundError(id);
      if (!versionMatches(expected, stored.version)) throw new StaleVersionError('product');
      const current = copy(stored);
      const next = change(current);
      if (next === current) return current;
      this.#assertSkuFree(next.sku, id);
      const saved: Product = {
        ...stored,
        sku: next.sku,
        name: next.name,
        description: next.description,
        price: { amountMinor: next.price.amountMinor, currency: next.price.currency },
        stock: next.stock,
        version: stored.version + 1,
        updatedAt: this.#now(),
      };
      this.#products.set(id, saved);
      return copy(saved);
    });
  }

  #assertSkuFree(sku: string, ownerId: string): void {
    for (const product of this.#products.values()) {
      if (product.id !== ownerId && sameSku(product.sku, sku)) throw new SkuTakenError(sku);
    }
  }
}

// Runs `work` as a rejected-or-resolved promise, like a real store, after checking the deadline.
function settle<T>(ctx: Context, work: () => T): Promise<T> {
  return new Promise((resolve) => {
    ctx.signal.throwIfAborted();
    resolve(work());
  });
}

function copy(product: Product): Product {
  return { ...product, price: { ...product.price }, createdAt: new Date(product.createdAt), updatedAt: new Date(product.updatedAt) };
}
