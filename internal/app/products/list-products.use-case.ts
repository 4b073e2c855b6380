import type { Context } from '../../domain/shared/context.ts';
import { ValidationError, type FieldIssue } from '../../domain/shared/domain-error.ts';
import { NAME_MAX_LENGTH, type Product } from '../../domain/product/product.ts';
import type { ProductRepository } from '../../domain/product/product-repository.ts';
import { PRODUCT_CURSOR } from './product-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

/** The contract's bound on `limit`; the use-case holds it too, whoever calls it. */
const PRODUCT_PAGE_MAX = 100;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export interface ListProductsInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** Only names starting with this, regardless of letter case; taken literally. */
  readonly namePrefix?: string | undefined;
}

export interface ProductPage {
  readonly items: readonly Product[];
  readonly nextCursor: string | null;
}

/** Public: anyone may browse the catalogue. */
export class ListProducts {
  readonly #products: ProductRepository;
  readonly #cursors: CursorSeal;

  constructor(products: ProductRepository, cursors: CursorSeal) {
    this.#products = products;
    this.#cursors = cursors;
  }

  /** @throws ValidationError, InvalidCursorError */
  async execute(ctx: Context, input: ListProductsInput): Promise<ProductPage> {
    const { limit, namePrefix } = checkQuery(input);
    const afterId = input.cursor === undefined ? undefined : PRODUCT_CURSOR.decode(this.#cursors.open(input.cursor));
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#products.list(ctx, { limit: limit + 1, afterId, namePrefix });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? this.#cursors.seal(PRODUCT_CURSOR.encode(last.id)) : null;
    return { items, nextCursor };
  }
}

function checkQuery(input: ListProductsInput): { limit: number; namePrefix: string | undefined } {
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > PRODUCT_PAGE_MAX) {
    issues.push({ field: 'limit', message: `must be a whole number from 1 to ${PRODUCT_PAGE_MAX}` });
  }
  const prefix = input.namePrefix;
  // Longer than any name, or with characters no name holds (NUL would even fail in PostgreSQL).
  if (prefix !== undefined && (prefix.length > NAME_MAX_LENGTH * 2 || [...prefix].length > NAME_MAX_LENGTH || CONTROL_CHARS.test(prefix))) {
    issues.push({ field: 'name_prefix', message: `must be at most ${NAME_MAX_LENGTH} characters, without control characters` });
  }
  if (issues.length > 0) throw new ValidationError('the product query is not valid', issues);
  // An empty prefix filters nothing.
  return { limit: input.limit, namePrefix: prefix || undefined };
}
