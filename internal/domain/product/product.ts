import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';
import { checkMoney, sameMoney, type Money } from './money.ts';

export const SKU_MAX_LENGTH = 64;
export const NAME_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 5000;
export const STOCK_MAX = 1_000_000_000;

/** Something on sale; `version` drives optimistic concurrency. */
export interface Product {
  readonly id: string;
  /** Stored as given; unique regardless of letter case. */
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  /** Units on hand that orders may still reserve. */
  readonly stock: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewProduct = Pick<Product, 'id' | 'sku' | 'name' | 'description' | 'price' | 'stock'>;

export interface ProductInput {
  readonly sku: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly price: Money;
  /** Defaults to 0: nothing on hand yet. */
  readonly stock?: number | undefined;
}

export interface ProductChanges {
  readonly sku?: string | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  /** Replaces the whole price: amount and currency go together. */
  readonly price?: Money | undefined;
  readonly stock?: number | undefined;
}

const SKU_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
// Line breaks and tabs are fine in a description; other control characters are not.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// A lone surrogate cannot be stored as UTF-8; the driver would replace it silently.
const LONE_SURROGATE = /\p{Cs}/u;

export function newProduct(id: string, input: ProductInput): NewProduct {
  const issues: FieldIssue[] = [];
  const sku = checkSku(input.sku, issues);
  const name = checkName(input.name, issues);
  const description = checkDescription(input.description ?? '', issues);
  const price = checkMoney(input.price, 'price', issues);
  const stock = checkStock(input.stock ?? 0, issues);
  throwIfAny(issues);
  return { id, sku, name, description, price, stock };
}

/** Applies a partial change; returns the same product when nothing changes. */
export function changeProduct(product: Product, changes: ProductChanges): Product {
  const issues: FieldIssue[] = [];
  const sku = changes.sku === undefined ? product.sku : checkSku(changes.sku, issues);
  const name = changes.name === undefined ? product.name : checkName(changes.name, issues);
  const description = changes.description === undefined ? product.description : checkDescription(changes.description, issues);
  const price = changes.price === undefined ? product.price : checkMoney(changes.price, 'price', issues);
  const stock = changes.stock === undefined ? product.stock : checkStock(changes.stock, issues);
  throwIfAny(issues);
  const unchanged =
    sku === product.sku &&
    name === product.name &&
    description === product.description &&
    sameMoney(price, product.price) &&
    stock === product.stock;
  if (unchanged) return product;
  return { ...product, sku, name, description, price, stock };
}

/** Two SKUs name one product when they differ only in letter case. */
export function sameSku(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

// Lengths count code points, as PostgreSQL's char_length and JSON Schema's maxLength do.
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function checkSku(raw: string, issues: FieldIssue[]): string {
  if (typeof raw !== 'string' || raw.length > SKU_MAX_LENGTH || !SKU_SHAPE.test(raw)) {
    issues.push({
      field: 'sku',
      message: `must be 1 to ${SKU_MAX_LENGTH} letters, digits, '.', '_' or '-', starting with a letter or digit`,
    });
  }
  return raw;
}

function checkName(raw: string, issues: FieldIssue[]): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  const length = codePoints(name);
  if (length === 0 || length > NAME_MAX_LENGTH) {
    issues.push({ field: 'name', message: `must be 1 to ${NAME_MAX_LENGTH} characters, not only spaces` });
  } else if (CONTROL_CHARS.test(name) || LONE_SURROGATE.test(name)) {
    issues.push({ field: 'name', message: 'must not contain control characters or unpaired surrogates' });
  }
  return name;
}

function checkDescription(raw: string, issues: FieldIssue[]): string {
  const description = typeof raw === 'string' ? raw.trim() : '';
  if (typeof raw !== 'string' || codePoints(description) > DESCRIPTION_MAX_LENGTH) {
    issues.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  } else if (CONTROL_CHARS_BUT_WHITESPACE.test(description) || LONE_SURROGATE.test(description)) {
    issues.push({ field: 'description', message: 'must not contain control characters other than tabs and line breaks, nor unpaired surrogates' });
  }
  return description;
}

function checkStock(raw: number, issues: FieldIssue[]): number {
  if (!Number.isSafeInteger(raw) || raw < 0 || raw > STOCK_MAX) {
    issues.push({ field: 'stock', message: `must be a whole number from 0 to ${STOCK_MAX}` });
  }
  return raw;
}

function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError('the product is not valid', issues);
}
