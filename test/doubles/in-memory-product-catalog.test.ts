import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { describeProductCatalogContract } from '../contracts/product-catalog.contract.ts';
import { newProduct } from '../../internal/domain/product/product.ts';
import { InMemoryProductCatalog } from './in-memory-product-catalog.ts';
import { InMemoryProductRepository } from './in-memory-product-repository.ts';

const ctx = testContext();

describeProductCatalogContract('in memory', () => {
  const products = new InMemoryProductRepository();
  return {
    catalog: new InMemoryProductCatalog(products),
    givenProduct: async (priceMinor) => {
      const id = uuidv7();
      await products.create(ctx, newProduct(id, { sku: `SKU-${id}`, name: 'Mug', price: { amountMinor: priceMinor, currency: 'EUR' } }));
      return id;
    },
    cleanup: () => undefined,
  };
});
