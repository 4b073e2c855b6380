import type { Kysely } from 'kysely';
import type { ProductCatalog } from '../../domain/order/product-catalog.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';
import { productFromRow } from './product-row.ts';

/** Reads the products of an order in one query, straight from PostgreSQL. */
export class PostgresProductCatalog implements ProductCatalog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findMany(ctx: Context, ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    try {
      const rows = await this.#db
        .selectFrom('products')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute({ signal: ctx.signal });
      return rows.map(productFromRow);
    } catch (error) {
      throw translatePgError(error);
    }
  }
}
