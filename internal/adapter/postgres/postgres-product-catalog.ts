import type { Kysely } from 'kysely';
import type { ProductCatalog } from '../../domain/order/product-catalog.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';
import { FixedStatement } from './fixed-statement.ts';
import { productFromRow } from './product-row.ts';
import type { ProductRow } from './products.table.ts';

// Every placement reads its products: one text for any number of them.
const FIND_MANY = new FixedStatement<ProductRow>('SELECT * FROM products WHERE id = ANY($1::uuid[])');

/** Reads the products of an order in one query, straight from PostgreSQL. */
export class PostgresProductCatalog implements ProductCatalog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findMany(ctx: Context, ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    try {
      const { rows } = await FIND_MANY.execute(this.#db, [[...ids]], ctx.signal);
      return rows.map(productFromRow);
    } catch (error) {
      throw translatePgError(error);
    }
  }
}
