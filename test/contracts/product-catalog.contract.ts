import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProductCatalog } from '../../internal/domain/order/product-catalog.ts';

export interface ProductCatalogFixture {
  readonly catalog: ProductCatalog;
  /** A product priced at this many cents of EUR; returns its id. */
  readonly givenProduct: (priceMinor: number) => Promise<string>;
  readonly cleanup: () => void | Promise<void>;
}


/** The behaviour every `ProductCatalog` adapter must show. */
export function describeProductCatalogContract(name: string, setup: () => ProductCatalogFixture | Promise<ProductCatalogFixture>): void {
  describe(`ProductCatalog contract: ${name}`, () => {
    const ctx = testContext();
    let fixture: ProductCatalogFixture;

    beforeEach(async () => {
      fixture = await setup();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('when some ids exist and some do not, then only the existing products come back, with their prices', async () => {
      const mug = await fixture.givenProduct(1250);
      const cup = await fixture.givenProduct(2 ** 40);
      await fixture.givenProduct(1);

      const found = await fixture.catalog.findMany(ctx, [cup, uuidv7(), mug]);

      expect(found.map((product) => [product.id, product.price.amountMinor]).sort()).toEqual(
        [
          [mug, 1250],
          [cup, 2 ** 40],
        ].sort(),
      );
    });

    it('when no ids are given, then no products come back', async () => {
      await fixture.givenProduct(1);

      expect(await fixture.catalog.findMany(ctx, [])).toEqual([]);
    });
  });
}
