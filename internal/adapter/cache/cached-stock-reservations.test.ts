import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { newProduct, type Product } from '../../domain/product/product.ts';
import { InMemoryProductRepository } from '../../../test/doubles/in-memory-product-repository.ts';
import { InMemoryStockReservations } from '../../../test/doubles/in-memory-stock-reservations.ts';
import { CachedProductRepository } from './cached-product-repository.ts';
import { CachedStockReservations } from './cached-stock-reservations.ts';
import { deserializeEntity, serializeEntity } from './entity-codec.ts';
import { TwoLevelCache } from './two-level-cache.ts';

describe('CachedStockReservations', () => {
  const ctx = testContext();

  async function setup() {
    const source = new InMemoryProductRepository();
    const cache = new TwoLevelCache<Product>({ name: 'product', serialize: serializeEntity, deserialize: deserializeEntity, versionOf: (product) => product.version, localTtlMs: 60_000 });
    const products = new CachedProductRepository(source, cache);
    const mug = await products.create(ctx, newProduct(uuidv7(), { sku: 'MUG', name: 'Mug', price: { amountMinor: 1, currency: 'EUR' }, stock: 10 }));
    // Read once, so the cache holds the product.
    await products.findById(ctx, mug.id);
    return { source, cache, products, mug };
  }

  it('when stock is reserved and released, then cached reads of the product show each new stock at once', async () => {
    const { source, cache, products, mug } = await setup();
    const reservations = new CachedStockReservations(new InMemoryStockReservations(source), cache);
    const order = uuidv7();

    await reservations.reserve(ctx, order, [{ productId: mug.id, quantity: 4 }]);
    const afterReserve = await products.findById(ctx, mug.id);
    await reservations.release(ctx, order);
    const afterRelease = await products.findById(ctx, mug.id);

    expect([afterReserve?.stock, afterRelease?.stock]).toEqual([6, 10]);
    await cache.close();
  });

  it('when stock changes around the decorator, then cached reads keep showing the old stock (why it exists)', async () => {
    const { source, cache, products, mug } = await setup();

    await new InMemoryStockReservations(source).reserve(ctx, uuidv7(), [{ productId: mug.id, quantity: 4 }]);

    expect((await products.findById(ctx, mug.id))?.stock).toBe(10);
    await cache.close();
  });
});
