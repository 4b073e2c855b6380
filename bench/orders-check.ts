import { sql, type Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../internal/adapter/postgres/database.ts';
import { PRODUCT_STOCK } from './seed.ts';

/**
 * Units taken from stock minus units held by live reservations, once no order
 * is pending any more (requests cut off at the end of a run settle shortly
 * after). 0 means nothing was oversold or lost.
 */
export async function stockDrift(db: Kysely<Database>, settleTimeoutMs = 30_000): Promise<{ drift: number; pending: number }> {
  const deadline = performance.now() + settleTimeoutMs;
  let pending = await pendingOrders(db);
  while (pending > 0 && performance.now() < deadline) {
    await sleep(250);
    pending = await pendingOrders(db);
  }
  const { rows } = await sql<{ taken: string; held: string }>`
    SELECT
      (SELECT count(*) * ${PRODUCT_STOCK}::bigint - coalesce(sum(stock), 0) FROM products) AS taken,
      (SELECT coalesce(sum((line->>'quantity')::bigint), 0)
         FROM stock_reservations, jsonb_array_elements(lines) AS line
        WHERE state = 'reserved') AS held`.execute(db);
  const row = rows[0];
  return { drift: Number(row?.taken ?? 0) - Number(row?.held ?? 0), pending };
}

async function pendingOrders(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM orders WHERE status = 'pending'`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Paid orders to read back, each with its owner. */
export async function sampleOrders(db: Kysely<Database>, limit: number): Promise<{ id: string; userId: string }[]> {
  const { rows } = await sql<{ id: string; user_id: string }>`
    SELECT id, user_id FROM orders WHERE status = 'paid' ORDER BY random() LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({ id: row.id, userId: row.user_id }));
}
