import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventOutbox } from '../../domain/events/event-outbox.ts';
import { productChangedEvents, productCreatedEvent } from '../../domain/events/integration-event.ts';
import type { NewProduct, Product } from '../../domain/product/product.ts';
import { ProductNotFoundError, SkuTakenError } from '../../domain/product/product.errors.ts';
import type { ProductListQuery, ProductRepository } from '../../domain/product/product-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { servedBySource, type Served } from '../../domain/shared/served.ts';
import { StaleVersionError, versionMatches, type ExpectedVersion } from '../../domain/shared/version.ts';
import type { Database } from './database.ts';
import { isUniqueViolation, translatePgError } from './pg-errors.ts';
import { productFromRow } from './product-row.ts';

const SKU_INDEX = 'products_sku_upper_key';

export class PostgresProductRepository implements ProductRepository {
  readonly #db: Kysely<Database>;
  readonly #outbox: EventOutbox<Transaction<Database>> | undefined;

  /** With `outbox`, creations and changes of price or stock are published as integration events. */
  constructor(db: Kysely<Database>, outbox?: EventOutbox<Transaction<Database>>) {
    this.#db = db;
    this.#outbox = outbox;
  }

  async create(ctx: Context, product: NewProduct): Promise<Product> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('products')
          .values({
            id: product.id,
            sku: product.sku,
            name: product.name,
            description: product.description,
            price_amount: product.price.amountMinor,
            currency: product.price.currency,
            stock: product.stock,
          })
          .returningAll()
          .executeTakeFirstOrThrow({ signal: ctx.signal });
        const created = productFromRow(row);
        await this.#outbox?.append(trx, [productCreatedEvent(created)], ctx.signal);
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error, SKU_INDEX)) throw new SkuTakenError(product.sku, { cause: error });
      throw translatePgError(error);
    }
  }

  // No cache in front: the source itself answers.
  async serveById(ctx: Context, id: string): Promise<Served<Product | undefined>> {
    return servedBySource(await this.findById(ctx, id));
  }

  async findById(ctx: Context, id: string): Promise<Product | undefined> {
    try {
      const row = await this.#db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst({ signal: ctx.signal });
      return row && productFromRow(row);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async list(ctx: Context, query: ProductListQuery): Promise<Product[]> {
    let select = this.#db.selectFrom('products').selectAll().orderBy('id').limit(query.limit);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    if (query.namePrefix) {
      // Same expression as products_name_prefix_idx; the prefix is a bound parameter,
      // its LIKE wildcards escaped with backslash, LIKE's default escape character.
      select = select.where(sql<boolean>`lower(name) LIKE (lower(${escapeLike(query.namePrefix)}) || '%')`);
    }
    try {
      const rows = await select.execute({ signal: ctx.signal });
      return rows.map(productFromRow);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async update(ctx: Context, id: string, expected: ExpectedVersion, change: (product: Product) => Product): Promise<Product> {
    let sku = '';
    try {
      return await this.#db.transaction().execute(async (trx) => {
        // One table, so the locking read is enough: a FOR UPDATE that had to wait
        // returns the row as the other transaction committed it.
        const locked = await trx.selectFrom('products').selectAll().where('id', '=', id).forUpdate().executeTakeFirst({ signal: ctx.signal });
        if (!locked) throw new ProductNotFoundError(id);
        const current = productFromRow(locked);
        if (!versionMatches(expected, current.version)) throw new StaleVersionError('product');
        const next = change(current);
        if (next === current) return current;
        sku = next.sku;

        const saved = await trx
          .updateTable('products')
          .set({
            sku: next.sku,
            name: next.name,
            description: next.description,
            price_amount: next.price.amountMinor,
            currency: next.price.currency,
            stock: next.stock,
            version: current.version + 1,
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const updated = productFromRow(saved);
        await this.#outbox?.append(trx, productChangedEvents(current, updated), ctx.signal);
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error, SKU_INDEX)) throw new SkuTakenError(sku, { cause: error });
      throw translatePgError(error);
    }
  }
}

/** Makes `%`, `_` and `\` match themselves in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

