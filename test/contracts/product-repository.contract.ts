import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Context } from '../../internal/domain/shared/context.ts';
import { ANY_VERSION, StaleVersionError, type ExpectedVersion } from '../../internal/domain/shared/version.ts';
import { MONEY_MAX_AMOUNT_MINOR } from '../../internal/domain/product/money.ts';
import { changeProduct, newProduct, type Product, type ProductInput } from '../../internal/domain/product/product.ts';
import { ProductNotFoundError, SkuTakenError } from '../../internal/domain/product/product.errors.ts';
import type { ProductRepository } from '../../internal/domain/product/product-repository.ts';

export interface ProductRepositoryFixture {
  readonly repo: ProductRepository;
  /** Leaves the store as empty as `setup` found it. */
  readonly cleanup: () => void | Promise<void>;
}

// Built here rather than imported from test/: production folders may not import test code.

/**
 * The behaviour every `ProductRepository` adapter must show. `setup` runs
 * before each test and must hand out an empty store; `cleanup` runs after it.
 */
export function describeProductRepositoryContract(
  name: string,
  setup: () => ProductRepositoryFixture | Promise<ProductRepositoryFixture>,
): void {
  describe(`ProductRepository contract: ${name}`, () => {
    const ctx = testContext();
    let repo: ProductRepository;
    let cleanup: ProductRepositoryFixture['cleanup'];

    beforeEach(async () => {
      ({ repo, cleanup } = await setup());
    });

    afterEach(async () => {
      await cleanup();
    });

    const createProduct = (sku: string, input: Partial<ProductInput> = {}) =>
      repo.create(ctx, newProduct(uuidv7(), { sku, name: `Product ${sku}`, price: { amountMinor: 1999, currency: 'EUR' }, stock: 5, ...input }));

    const createNamed = async (names: readonly string[]) => {
      const products: Product[] = [];
      for (const [i, productName] of names.entries()) products.push(await createProduct(`SKU-${i}-${uuidv7()}`, { name: productName }));
      return products;
    };

    const createProducts = (count: number, prefix = 'SKU') => createNamed(Array.from({ length: count }, (_, i) => `${prefix} ${i}`));

    const pageThrough = async (query: { limit: number; namePrefix?: string }, between: () => Promise<unknown>) => {
      const seen: string[] = [];
      seen.push(...(await repo.list(ctx, query)).map((product) => product.id));
      await between();
      let afterId = seen.at(-1);
      for (let page = await repo.list(ctx, { ...query, afterId }); page.length > 0; page = await repo.list(ctx, { ...query, afterId })) {
        seen.push(...page.map((product) => product.id));
        afterId = seen.at(-1);
      }
      return seen;
    };

    describe('create and findById', () => {
      it('when a product is created, then findById returns it with version 1 and timestamps', async () => {
        const input = newProduct(uuidv7(), {
          sku: 'Mug-01',
          name: 'Mug — Ünïcödé ☕',
          description: 'Holds tea.\nAnd coffee.',
          price: { amountMinor: 1250, currency: 'EUR' },
          stock: 42,
        });

        const created = await repo.create(ctx, input);
        const found = await repo.findById(ctx, input.id);

        expect(created).toMatchObject({ ...input, version: 1 });
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(created.updatedAt).toBeInstanceOf(Date);
        expect(found).toEqual(created);
      });

      it.each([
        ['zero', 0, 'EUR'],
        ['2^31, beyond a 32-bit integer', 2 ** 31, 'USD'],
        ['2^31 + 1 of a currency without minor units', 2 ** 31 + 1, 'JPY'],
        ['an amount with three decimals in its currency', 1_234_567_890_123, 'BHD'],
        ['the largest amount allowed', MONEY_MAX_AMOUNT_MINOR, 'EUR'],
      ])('when the price is %s, then it comes back exactly, as a number', async (_, amountMinor, currency) => {
        const created = await createProduct('PRICEY', { price: { amountMinor, currency } });

        const found = await repo.findById(ctx, created.id);

        expect(created.price).toEqual({ amountMinor, currency });
        expect(found?.price).toEqual({ amountMinor, currency });
        expect(typeof found?.price.amountMinor).toBe('number');
      });

      it('when no description is given, then the product has an empty one', async () => {
        const created = await createProduct('PLAIN', { description: undefined });

        expect((await repo.findById(ctx, created.id))?.description).toBe('');
      });

      it('when no product has the id, then findById returns undefined', async () => {
        await createProduct('ONE');

        const found = await repo.findById(ctx, uuidv7());

        expect(found).toBeUndefined();
      });

      it('when read with serveById, then it answers what findById answers, not stale', async () => {
        const created = await createProduct('ONE');

        const served = await repo.serveById(ctx, created.id);
        const missing = await repo.serveById(ctx, uuidv7());

        expect(served.value).toEqual(await repo.findById(ctx, created.id));
        expect(served.stale).toBe(false);
        expect(missing.value).toBeUndefined();
      });

      it('when the caller mutates a returned product, then the stored product does not change', async () => {
        const created = await createProduct('MUG');
        const mutable = created as unknown as { name: string; price: { amountMinor: number } };

        mutable.name = 'Mallory';
        mutable.price.amountMinor = 1;
        const found = await repo.findById(ctx, created.id);

        expect(found).toMatchObject({ name: 'Product MUG', price: { amountMinor: 1999, currency: 'EUR' } });
      });
    });

    describe('SKU uniqueness', () => {
      it.each([
        ['the same SKU', 'MUG-01'],
        ['the SKU in other letter case', 'mug-01'],
      ])('when a second product is created with %s, then SkuTakenError is thrown and only the first exists', async (_, sku) => {
        const first = await createProduct('MUG-01');

        const creating = createProduct(sku);

        await expect(creating).rejects.toBeInstanceOf(SkuTakenError);
        expect(await repo.list(ctx, { limit: 10 })).toEqual([first]);
      });

      it.each([
        ['the same SKU', 'MUG-01'],
        ['the SKU in other letter case', 'Mug-01'],
      ])("when a product is updated to another product's SKU as %s, then SkuTakenError is thrown and nothing changes", async (_, sku) => {
        await createProduct('MUG-01');
        const cup = await createProduct('CUP-01');

        const updating = repo.update(ctx, cup.id, ANY_VERSION, (product) => changeProduct(product, { sku }));

        await expect(updating).rejects.toBeInstanceOf(SkuTakenError);
        expect(await repo.findById(ctx, cup.id)).toEqual(cup);
      });

      it('when a product changes only the letter case of its own SKU, then it is saved as given', async () => {
        const mug = await createProduct('MUG-01');

        const updated = await repo.update(ctx, mug.id, ANY_VERSION, (product) => changeProduct(product, { sku: 'Mug-01' }));

        expect(updated).toMatchObject({ sku: 'Mug-01', version: 2 });
        expect((await repo.findById(ctx, mug.id))?.sku).toBe('Mug-01');
      });
    });

    describe('list', () => {
      it('when products exist, then list returns at most `limit` of them in id order', async () => {
        const products = await createProducts(5);

        const page = await repo.list(ctx, { limit: 3 });

        expect(page).toEqual(products.slice(0, 3));
      });

      it('when afterId is given, then list returns only products with a greater id', async () => {
        const products = await createProducts(5);

        const page = await repo.list(ctx, { limit: 10, afterId: products[1]!.id });

        expect(page).toEqual(products.slice(2));
      });

      it('when the store is empty, then list returns no products', async () => {
        expect(await repo.list(ctx, { limit: 10 })).toEqual([]);
      });

      it('when products are created between pages, then paging neither skips nor repeats any product', async () => {
        const existing = await createProducts(5, 'Old');
        let added: Product[] = [];

        const seen = await pageThrough({ limit: 2 }, async () => {
          added = await createProducts(2, 'New');
        });

        expect(seen).toEqual([...existing, ...added].map((product) => product.id));
      });

      it('when a name prefix is given, then only names starting with it in any letter case are listed', async () => {
        const [lowerCase, , upperCase, exact] = await createNamed(['teapot', 'Big teapot', 'TEAPOT stand', 'Teapot', 'Tea', 'Cup']);

        const page = await repo.list(ctx, { limit: 10, namePrefix: 'teaP' });

        expect(page).toEqual([lowerCase, upperCase, exact]);
      });

      it.each([
        ['a percent sign', '100%', '100% cotton', ['100 cotton', '1000 threads']],
        ['an underscore', 'a_b', 'A_B widget', ['AxB widget', 'ab widget']],
        ['a backslash', 'c:\\', 'C:\\tools', ['C:tools', 'C:/tools']],
        ['only a percent sign', '%', '% off', ['Anything', '50% off']],
      ])('when the prefix holds %s, then it matches literally', async (_, namePrefix, match, others) => {
        const [wanted] = await createNamed([match, ...others]);

        const page = await repo.list(ctx, { limit: 10, namePrefix });

        expect(page).toEqual([wanted]);
      });

      it('when paging through a name prefix while matching and other products are created, then no match is skipped or repeated', async () => {
        const existing = await createNamed(['Lamp 1', 'Desk', 'lamp 2', 'Lampshade', 'Chair', 'LAMP 3']);
        let added: Product[] = [];

        const seen = await pageThrough({ limit: 2, namePrefix: 'lamp' }, async () => {
          added = await createNamed(['Lamp 4', 'Table', 'lamp 5']);
        });

        const lamps = [...existing, ...added].filter((product) => product.name.toLowerCase().startsWith('lamp'));
        expect(lamps).toHaveLength(6);
        expect(seen).toEqual(lamps.map((product) => product.id));
      });
    });

    describe('update', () => {
      it('when the expected version matches, then the change is saved and the version goes up by one', async () => {
        const mug = await createProduct('MUG');

        const updated = await repo.update(ctx, mug.id, { kind: 'one_of', versions: [1] }, (product) =>
          changeProduct(product, { name: 'Big mug', price: { amountMinor: 2 ** 40, currency: 'USD' }, stock: 0, description: 'Huge.' }),
        );

        expect(updated).toMatchObject({
          id: mug.id,
          sku: 'MUG',
          name: 'Big mug',
          description: 'Huge.',
          price: { amountMinor: 2 ** 40, currency: 'USD' },
          stock: 0,
          version: 2,
        });
        expect(updated.createdAt).toEqual(mug.createdAt);
        expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(mug.updatedAt.getTime());
        expect(await repo.findById(ctx, mug.id)).toEqual(updated);
      });

      it.each<[string, ExpectedVersion]>([
        ['any version', ANY_VERSION],
        ['a list holding the current version', { kind: 'one_of', versions: [7, 2] }],
      ])('when the expected version is %s, then the change is saved', async (_, expected) => {
        const mug = await createProduct('MUG');
        await repo.update(ctx, mug.id, ANY_VERSION, (product) => changeProduct(product, { stock: 6 }));

        const updated = await repo.update(ctx, mug.id, expected, (product) => changeProduct(product, { stock: 7 }));

        expect(updated).toMatchObject({ stock: 7, version: 3 });
      });

      it.each<[string, ExpectedVersion]>([
        ['an older version', { kind: 'one_of', versions: [1] }],
        ['a newer version', { kind: 'one_of', versions: [3] }],
        ['an empty list', { kind: 'one_of', versions: [] }],
      ])('when the expected version is %s, then StaleVersionError is thrown and nothing changes', async (_, expected) => {
        const mug = await createProduct('MUG');
        const current = await repo.update(ctx, mug.id, ANY_VERSION, (product) => changeProduct(product, { stock: 6 }));

        const updating = repo.update(ctx, mug.id, expected, (product) => changeProduct(product, { stock: 7 }));

        await expect(updating).rejects.toBeInstanceOf(StaleVersionError);
        expect(await repo.findById(ctx, mug.id)).toEqual(current);
      });

      it('when no product has the id, then ProductNotFoundError is thrown', async () => {
        const updating = repo.update(ctx, uuidv7(), ANY_VERSION, (product) => changeProduct(product, { name: 'Nothing' }));

        await expect(updating).rejects.toBeInstanceOf(ProductNotFoundError);
      });

      it('when the change returns the product unchanged, then the version and timestamps stay as they were', async () => {
        const mug = await createProduct('MUG');

        const updated = await repo.update(ctx, mug.id, ANY_VERSION, (product) =>
          changeProduct(product, { name: mug.name, price: { amountMinor: 1999, currency: 'EUR' } }),
        );

        expect(updated).toEqual(mug);
        expect(await repo.findById(ctx, mug.id)).toEqual(mug);
      });

      it('when 10 updates expecting the same version race, then exactly one succeeds and the others get StaleVersionError', async () => {
        const mug = await createProduct('MUG');

        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            repo.update(ctx, mug.id, { kind: 'one_of', versions: [1] }, (product) => changeProduct(product, { stock: 100 + i })),
          ),
        );

        const succeeded = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
        expect(succeeded).toHaveLength(1);
        expect(failed).toHaveLength(9);
        expect(failed.every((error) => error instanceof StaleVersionError)).toBe(true);
        expect(await repo.findById(ctx, mug.id)).toEqual(succeeded[0]);
      });
    });

    describe('cancellation', () => {
      it.each<[string, (repo: ProductRepository, ctx: Context, product: Product) => Promise<unknown>]>([
        [
          'create',
          (repo, ctx) => repo.create(ctx, newProduct(uuidv7(), { sku: 'LATE', name: 'Late', price: { amountMinor: 1, currency: 'EUR' } })),
        ],
        ['findById', (repo, ctx, product) => repo.findById(ctx, product.id)],
        ['list', (repo, ctx) => repo.list(ctx, { limit: 10, namePrefix: 'x' })],
        ['update', (repo, ctx, product) => repo.update(ctx, product.id, ANY_VERSION, (p) => changeProduct(p, { stock: 0 }))],
      ])('when the context is already aborted, then %s rejects with the abort reason and nothing changes', async (_, call) => {
        const mug = await createProduct('MUG');
        const controller = new AbortController();
        const reason = new Error('the caller went away');
        controller.abort(reason);

        const calling = call(repo, { ...ctx, signal: controller.signal }, mug);

        await expect(calling).rejects.toBe(reason);
        expect(await repo.list(ctx, { limit: 10 })).toEqual([mug]);
      });
    });
  });
}
