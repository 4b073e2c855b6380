import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/domain-error.ts';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, SKU_MAX_LENGTH, STOCK_MAX, changeProduct, newProduct, sameSku, type Product, type ProductInput } from './product.ts';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const valid: ProductInput = { sku: 'MUG-01', name: 'Mug', price: { amountMinor: 1250, currency: 'EUR' } };

function pointersOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => issue.field);
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

const mug: Product = {
  id: ID,
  sku: 'MUG-01',
  name: 'Mug',
  description: 'Holds tea.',
  price: { amountMinor: 1250, currency: 'EUR' },
  stock: 4,
  version: 2,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-02T00:00:00Z'),
};

describe('newProduct', () => {
  it('when description and stock are left out, then they are empty and zero', () => {
    const product = newProduct(ID, valid);

    expect(product).toEqual({ id: ID, sku: 'MUG-01', name: 'Mug', description: '', price: { amountMinor: 1250, currency: 'EUR' }, stock: 0 });
  });

  it('when name and description have surrounding spaces, then they are trimmed and the SKU is kept as given', () => {
    const product = newProduct(ID, { ...valid, sku: 'mUg.01_a', name: '  Mug \t', description: '\n Holds tea. \n' });

    expect(product).toMatchObject({ sku: 'mUg.01_a', name: 'Mug', description: 'Holds tea.' });
  });

  it.each([
    ['a SKU of the maximum length', { sku: 'A'.repeat(SKU_MAX_LENGTH) }],
    ['a one-character SKU', { sku: '7' }],
    ['a name of the maximum length in code points', { name: '☕'.repeat(NAME_MAX_LENGTH) }],
    ['a name with astral characters up to the maximum', { name: '😀'.repeat(NAME_MAX_LENGTH) }],
    ['a description of the maximum length with line breaks', { description: `${'x'.repeat(DESCRIPTION_MAX_LENGTH - 3)}\n\ty` }],
    ['the maximum stock', { stock: STOCK_MAX }],
  ])('when given %s, then the product is valid', (_, input) => {
    expect(() => newProduct(ID, { ...valid, ...input })).not.toThrow();
  });

  it.each<[string, Partial<ProductInput>, string]>([
    ['an empty SKU', { sku: '' }, 'sku'],
    ['a SKU with a space', { sku: 'MUG 01' }, 'sku'],
    ['a SKU with surrounding spaces', { sku: ' MUG-01' }, 'sku'],
    ['a SKU starting with a dot', { sku: '.MUG' }, 'sku'],
    ['a SKU with a letter outside ASCII', { sku: 'MÜG' }, 'sku'],
    ['a SKU one character too long', { sku: 'A'.repeat(SKU_MAX_LENGTH + 1) }, 'sku'],
    ['an empty name', { name: '' }, 'name'],
    ['a name of only spaces', { name: '   ' }, 'name'],
    ['a name one code point too long', { name: '😀'.repeat(NAME_MAX_LENGTH + 1) }, 'name'],
    ['a name with a line break inside', { name: 'Big\nmug' }, 'name'],
    ['a name with a lone surrogate', { name: 'Mug \ud800' }, 'name'],
    ['a description one character too long', { description: 'x'.repeat(DESCRIPTION_MAX_LENGTH + 1) }, 'description'],
    ['a description with a NUL character', { description: 'Holds\u0000tea' }, 'description'],
    ['a fractional amount', { price: { amountMinor: 12.5, currency: 'EUR' } }, 'price.amount'],
    ['a negative amount', { price: { amountMinor: -1, currency: 'EUR' } }, 'price.amount'],
    ['an unknown currency', { price: { amountMinor: 1, currency: 'EURO' } }, 'price.currency'],
    ['negative stock', { stock: -1 }, 'stock'],
    ['fractional stock', { stock: 1.5 }, 'stock'],
    ['stock above the maximum', { stock: STOCK_MAX + 1 }, 'stock'],
  ])('when given %s, then that field is rejected', (_, input, pointer) => {
    expect(pointersOf(() => newProduct(ID, { ...valid, ...input }))).toEqual([pointer]);
  });

  it('when several fields are wrong, then one ValidationError names each of them', () => {
    const run = () => newProduct(ID, { sku: '', name: ' ', description: '\u0007', price: { amountMinor: -1, currency: 'usd' }, stock: -1 });

    expect(run).toThrow(ValidationError);
    expect(pointersOf(run)).toEqual(['sku', 'name', 'description', 'price.amount', 'price.currency', 'stock']);
  });
});

describe('changeProduct', () => {
  it.each([
    ['no changes', {}],
    ['the same values', { sku: 'MUG-01', name: 'Mug', description: 'Holds tea.', price: { amountMinor: 1250, currency: 'EUR' }, stock: 4 }],
    ['the same name with surrounding spaces', { name: ' Mug ' }],
  ])('when given %s, then the very same product is returned', (_, changes) => {
    expect(changeProduct(mug, changes)).toBe(mug);
  });

  it('when fields change, then a new product carries them and the original is untouched', () => {
    const changed = changeProduct(mug, { name: 'Big mug', price: { amountMinor: 2 ** 40, currency: 'USD' }, stock: 0 });

    expect(changed).toEqual({ ...mug, name: 'Big mug', price: { amountMinor: 2 ** 40, currency: 'USD' }, stock: 0 });
    expect(mug).toMatchObject({ name: 'Mug', price: { amountMinor: 1250, currency: 'EUR' }, stock: 4 });
  });

  it.each([
    ['only the currency changes', { price: { amountMinor: 1250, currency: 'USD' } }],
    ['only the letter case of the SKU changes', { sku: 'mug-01' }],
    ['the description is cleared', { description: '' }],
  ])('when %s, then that is a change', (_, changes) => {
    expect(changeProduct(mug, changes)).not.toBe(mug);
  });

  it('when a change is invalid, then it names the fields at fault', () => {
    expect(pointersOf(() => changeProduct(mug, { name: '', price: { amountMinor: 1, currency: 'xx' } }))).toEqual(['name', 'price.currency']);
  });
});

describe('sameSku', () => {
  it.each([
    ['MUG-01', 'MUG-01', true],
    ['mug-01', 'MUG-01', true],
    ['MUG-01', 'MUG-02', false],
  ])('when comparing %s with %s, then the result is %s', (a, b, expected) => {
    expect(sameSku(a, b)).toBe(expected);
  });
});
