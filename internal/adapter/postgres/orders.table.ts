import type { ColumnType, Selectable } from 'kysely';

/** pg returns bigint (int8) as a string, since it may not fit a JS number; see `toSafeInteger`. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;

export interface OrdersTable {
  id: string;
  user_id: string;
  status: ColumnType<string, string | undefined, string>;
  currency: string;
  total_amount: Int8;
  authorization_id: ColumnType<string | null, string | null | undefined, string | null>;
  failure_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** The Idempotency-Key of the request that placed it (unique per user). */
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
  version: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface OrderLinesTable {
  order_id: string;
  product_id: string;
  position: number;
  quantity: number;
  unit_price: Int8;
}

export type OrderRow = Selectable<OrdersTable>;
