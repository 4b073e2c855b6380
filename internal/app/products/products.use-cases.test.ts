import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { InMemoryProductRepository } from '../../../test/doubles/in-memory-product-repository.ts';
import { AuthenticationRequiredError, ForbiddenError } from '../../domain/identity/identity.errors.ts';
import type { Role } from '../../domain/user/user.ts';
import { MONEY_MAX_AMOUNT_MINOR } from '../../domain/product/money.ts';
import type { Product, ProductInput } from '../../domain/product/product.ts';
import { ProductNotFoundError, SkuTakenError } from '../../domain/product/product.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { StaleVersionError, VersionRequiredError } from '../../domain/shared/version.ts';
import { InvalidCursorError, idCursor } from '../shared/id-cursor.ts';
import { CreateProduct } from './create-product.use-case.ts';
import { GetProduct } from './get-product.use-case.ts';
import { ListProducts } from './list-products.use-case.ts';
import { UpdateProduct } from './update-product.use-case.ts';
import { testCursorSeal } from '../../../test/support/cursor-seal.ts';

const as = (...roles: Role[]): Context => ({ ...testContext(), principal: { userId: uuidv7(), roles, sessionId: 's' } });
const anonymous = testContext();
const customer = as('customer');
const admin = as('admin', 'customer');

const mugInput: ProductInput = { sku: 'MUG-01', name: 'Enamel mug', price: { amountMinor: 1250, currency: 'EUR' }, stock: 100 };

let products: InMemoryProductRepository;
let createProduct: CreateProduct;

beforeEach(() => {
  products = new InMemoryProductRepository();
  createProduct = new CreateProduct(products, uuidv7);
});

const anExisting = (input: Partial<ProductInput> = {}) => createProduct.execute(admin, { ...mugInput, sku: `SKU-${uuidv7()}`, ...input });

function issuesOf(error: unknown): string[] {
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.issues.map((issue) => issue.field);
}

describe('CreateProduct', () => {
  it('when an admin creates a product, then it is stored at version 1 with its price intact', async () => {
    const product = await createProduct.execute(admin, { ...mugInput, price: { amountMinor: 2 ** 31 + 7, currency: 'USD' } });

    expect(product).toMatchObject({ sku: 'MUG-01', name: 'Enamel mug', description: '', price: { amountMinor: 2 ** 31 + 7, currency: 'USD' }, stock: 100, version: 1 });
    expect(await products.findById(anonymous, product.id)).toEqual(product);
  });

  it.each<[string, Context, new (...args: never[]) => Error]>([
    ['an anonymous caller', anonymous, AuthenticationRequiredError],
    ['a customer', customer, ForbiddenError],
  ])('when %s creates a product, then it is refused and nothing is stored', async (_, ctx, errorType) => {
    const creating = createProduct.execute(ctx, mugInput);

    await expect(creating).rejects.toBeInstanceOf(errorType);
    expect(await products.list(anonymous, { limit: 10 })).toEqual([]);
  });

  it('when an anonymous caller sends an invalid product, then authentication is asked for before the input is judged', async () => {
    const creating = createProduct.execute(anonymous, { ...mugInput, price: { amountMinor: -1, currency: 'usd' } });

    await expect(creating).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });

  it.each<[string, ProductInput['price'], string[]]>([
    ['a fractional amount', { amountMinor: 12.5, currency: 'EUR' }, ['price.amount']],
    ['a negative amount', { amountMinor: -100, currency: 'EUR' }, ['price.amount']],
    ['an amount above the maximum', { amountMinor: MONEY_MAX_AMOUNT_MINOR + 1, currency: 'EUR' }, ['price.amount']],
    ['an unsafe integer', { amountMinor: 2 ** 53 + 2, currency: 'EUR' }, ['price.amount']],
    ['a lower-case currency', { amountMinor: 100, currency: 'eur' }, ['price.currency']],
    ['a made-up currency', { amountMinor: 100, currency: 'QQQ' }, ['price.currency']],
    ['both wrong', { amountMinor: Number.NaN, currency: 'EURO' }, ['price.amount', 'price.currency']],
  ])('when the price has %s, then ValidationError names the field and nothing is stored', async (_, price, pointers) => {
    const error = await createProduct.execute(admin, { ...mugInput, price }).catch((caught: unknown) => caught);

    expect(issuesOf(error)).toEqual(pointers);
    expect(await products.list(anonymous, { limit: 10 })).toEqual([]);
  });

  it('when the SKU is taken in another letter case, then SkuTakenError is thrown', async () => {
    await createProduct.execute(admin, mugInput);

    const creating = createProduct.execute(admin, { ...mugInput, sku: 'mug-01' });

    await expect(creating).rejects.toBeInstanceOf(SkuTakenError);
  });
});

describe('GetProduct', () => {
  it('when anyone, even anonymous, asks for an existing product, then it is returned with how it was served', async () => {
    const mug = await anExisting();

    expect(await new GetProduct(products).execute(anonymous, mug.id)).toEqual({ value: mug, stale: false });
  });

  it('when no product has the id, then ProductNotFoundError is thrown', async () => {
    await expect(new GetProduct(products).execute(anonymous, uuidv7())).rejects.toBeInstanceOf(ProductNotFoundError);
  });
});

describe('ListProducts', () => {
  const cursors = testCursorSeal();
  const listProducts = () => new ListProducts(products, cursors);

  it('when 7 products are paged through 3 at a time anonymously, then the pages hold 3, 3 and 1 and the last has no next cursor', async () => {
    const created: Product[] = [];
    for (let i = 0; i < 7; i += 1) created.push(await anExisting({ name: `Product ${i}` }));

    const first = await listProducts().execute(anonymous, { limit: 3 });
    const second = await listProducts().execute(anonymous, { limit: 3, cursor: first.nextCursor ?? undefined });
    const third = await listProducts().execute(anonymous, { limit: 3, cursor: second.nextCursor ?? undefined });

    expect([first, second, third].map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items]).toEqual(created);
  });

  it('when the products fill the last page exactly, then that page has no next cursor', async () => {
    for (let i = 0; i < 3; i += 1) await anExisting();

    const page = await listProducts().execute(anonymous, { limit: 3 });

    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it('when paging with a name prefix, then only matching names are listed, page after page', async () => {
    const names = ['Lamp 1', 'Desk', 'lamp 2', 'Lampshade', 'Chair', 'LAMP 3', '100% lamp'];
    const created: Product[] = [];
    for (const name of names) created.push(await anExisting({ name }));

    const first = await listProducts().execute(anonymous, { limit: 2, namePrefix: 'LaMp' });
    const second = await listProducts().execute(anonymous, { limit: 2, namePrefix: 'LaMp', cursor: first.nextCursor ?? undefined });

    expect([...first.items, ...second.items].map((product) => product.name)).toEqual(['Lamp 1', 'lamp 2', 'Lampshade', 'LAMP 3']);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['an empty prefix', ''],
    ['no prefix', undefined],
  ])('when given %s, then every product is listed', async (_, namePrefix) => {
    await anExisting({ name: 'Desk' });
    await anExisting({ name: 'Lamp' });

    const page = await listProducts().execute(anonymous, { limit: 10, namePrefix });

    expect(page.items).toHaveLength(2);
  });

  it.each([
    ['a forged cursor', { limit: 3, cursor: 'not-a-cursor' }],
    ['a cursor of the users listing', { limit: 3, cursor: idCursor('u1.').encode(uuidv7()) }],
  ])('when given %s, then InvalidCursorError is thrown', async (_, input) => {
    await expect(listProducts().execute(anonymous, input)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it.each([
    ['a limit of 0', { limit: 0 }, ['limit']],
    ['a limit above 100', { limit: 101 }, ['limit']],
    ['a fractional limit', { limit: 2.5 }, ['limit']],
    ['a prefix longer than any name', { limit: 10, namePrefix: 'x'.repeat(201) }, ['name_prefix']],
    ['a prefix with a NUL character', { limit: 10, namePrefix: 'a\u0000' }, ['name_prefix']],
  ])('when given %s, then ValidationError names the parameter', async (_, input, pointers) => {
    const error = await listProducts().execute(anonymous, input).catch((caught: unknown) => caught);

    expect(issuesOf(error)).toEqual(pointers);
  });
});

describe('UpdateProduct', () => {
  const updateProduct = () => new UpdateProduct(products);

  it('when an admin updates with the current version, then the changes are saved with the next version', async () => {
    const mug = await anExisting();

    const updated = await updateProduct().execute(admin, {
      id: mug.id,
      expected: { kind: 'one_of', versions: [1] },
      changes: { price: { amountMinor: 999, currency: 'GBP' }, stock: 3 },
    });

    expect(updated).toMatchObject({ price: { amountMinor: 999, currency: 'GBP' }, stock: 3, version: 2 });
    expect(await products.findById(anonymous, mug.id)).toEqual(updated);
  });

  it.each<[string, Context, new (...args: never[]) => Error]>([
    ['an anonymous caller', anonymous, AuthenticationRequiredError],
    ['a customer', customer, ForbiddenError],
  ])('when %s updates a product, then it is refused and nothing changes', async (_, ctx, errorType) => {
    const mug = await anExisting();

    const updating = updateProduct().execute(ctx, { id: mug.id, expected: { kind: 'one_of', versions: [1] }, changes: { stock: 0 } });

    await expect(updating).rejects.toBeInstanceOf(errorType);
    expect(await products.findById(anonymous, mug.id)).toEqual(mug);
  });

  it('when an anonymous caller updates without a version, then authentication is asked for first', async () => {
    const mug = await anExisting();

    const updating = updateProduct().execute(anonymous, { id: mug.id, expected: undefined, changes: { stock: 0 } });

    await expect(updating).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });

  it('when no expected version is given, then VersionRequiredError is thrown and nothing changes', async () => {
    const mug = await anExisting();

    const updating = updateProduct().execute(admin, { id: mug.id, expected: undefined, changes: { stock: 0 } });

    await expect(updating).rejects.toBeInstanceOf(VersionRequiredError);
    expect(await products.findById(anonymous, mug.id)).toEqual(mug);
  });

  it('when the expected version is stale, then StaleVersionError is thrown and nothing changes', async () => {
    const mug = await anExisting();
    const current = await updateProduct().execute(admin, { id: mug.id, expected: { kind: 'one_of', versions: [1] }, changes: { stock: 1 } });

    const updating = updateProduct().execute(admin, { id: mug.id, expected: { kind: 'one_of', versions: [1] }, changes: { stock: 2 } });

    await expect(updating).rejects.toBeInstanceOf(StaleVersionError);
    expect(await products.findById(anonymous, mug.id)).toEqual(current);
  });

  it('when the changes repeat the stored values, then the version stays', async () => {
    const mug = await anExisting();

    const updated = await updateProduct().execute(admin, { id: mug.id, expected: { kind: 'any' }, changes: { name: mug.name, stock: mug.stock } });

    expect(updated).toEqual(mug);
  });

  it('when a change is invalid, then ValidationError is thrown and nothing changes', async () => {
    const mug = await anExisting();

    const error = await updateProduct()
      .execute(admin, { id: mug.id, expected: { kind: 'any' }, changes: { price: { amountMinor: 0.5, currency: 'EUR' } } })
      .catch((caught: unknown) => caught);

    expect(issuesOf(error)).toEqual(['price.amount']);
    expect(await products.findById(anonymous, mug.id)).toEqual(mug);
  });

  it('when no product has the id, then ProductNotFoundError is thrown', async () => {
    const updating = updateProduct().execute(admin, { id: uuidv7(), expected: { kind: 'any' }, changes: { stock: 1 } });

    await expect(updating).rejects.toBeInstanceOf(ProductNotFoundError);
  });
});
