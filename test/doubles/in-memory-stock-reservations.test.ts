import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { describeStockReservationsContract } from '../contracts/stock-reservations.contract.ts';
import { newProduct } from '../../internal/domain/product/product.ts';
import { InMemoryProductRepository } from './in-memory-product-repository.ts';
import { InMemoryStockReservations } from './in-memory-stock-reservations.ts';

const ctx = testContext();

describeStockReservationsContract('in memory', () => {
  const products = new InMemoryProductRepository();
  return {
    reservations: new InMemoryStockReservations(products),
    givenProduct: async (stock) => {
      const id = uuidv7();
      await products.create(ctx, newProduct(id, { sku: `SKU-${id}`, name: 'Mug', price: { amountMinor: 1250, currency: 'EUR' }, stock }));
      return id;
    },
    stockOf: async (id) => (await products.findById(ctx, id))?.stock ?? Number.NaN,
    givenOrder: () => Promise.resolve(uuidv7()),
    cleanup: () => undefined,
  };
});
