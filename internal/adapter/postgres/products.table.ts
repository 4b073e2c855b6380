import type { ColumnType, Selectable } from 'kysely';

/** pg returns bigint (int8) as a string, since it may not fit a JS number; see `toSafeInteger`. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  price_amount: Int8;
  currency: string;
  stock: number;
  version: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ProductRow = Selectable<ProductsTable>;
