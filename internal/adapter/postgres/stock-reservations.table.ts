import type { ColumnType } from 'kysely';

/** One line of a reservation as stored in `lines` (jsonb). */
export interface ReservedLineJson {
  product_id: string;
  quantity: number;
}

export interface StockReservationsTable {
  order_id: string;
  state: 'reserved' | 'released';
  /** pg parses jsonb on the way out; it is written as JSON text. */
  lines: ColumnType<ReservedLineJson[], string, string>;
  reserved_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  released_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

