import type { ColumnType } from 'kysely';

export interface OutboxTable {
  /** bigint identity; pg returns int8 as a string. */
  seq: ColumnType<string, never, never>;
  id: string;
  aggregate: string;
  aggregate_id: string;
  type: string;
  envelope: ColumnType<Record<string, unknown>, string, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  published_at: ColumnType<Date | null, never, Date | null>;
  attempts: ColumnType<number, never, number>;
}

export interface InboxTable {
  consumer: string;
  event_id: string;
  processed_at: ColumnType<Date, Date | undefined, never>;
}

export interface ProductSalesTable {
  product_id: string;
  units_sold: ColumnType<string, number, string | number>;
  revenue_minor: ColumnType<string, number, string | number>;
  currency: string;
  orders_count: ColumnType<string, number, string | number>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
