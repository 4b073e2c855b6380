import { describe, expect, it } from 'vitest';
import { queryName } from './query-name.ts';

describe('queryName', () => {
  it.each([
    ['select "id", "name" from "users" where "id" = $1', 'select users'],
    ['insert into "orders" ("id") values ($1) returning *', 'insert orders'],
    ['update "products" set "stock" = "stock" - $1 where "id" = $2', 'update products'],
    ['delete from idempotency_keys where expires_at <= now()', 'delete idempotency_keys'],
    ['SELECT 1', 'select'],
    ['begin', 'begin'],
    ['with "moved" as (update "products" set x = 1 returning id) select * from "moved"', 'with update products'],
    ['with "recent" as (select id from "orders" limit 5) select * from "recent"', 'with select recent'],
    ['WITH l AS (SELECT id FROM products ORDER BY id FOR UPDATE), c AS (INSERT INTO stock_reservations SELECT 1 RETURNING 1) SELECT 1', 'with insert stock_reservations'],
    ['WITH l AS (SELECT id FROM products FOR NO KEY UPDATE) SELECT * FROM l', 'with select l'],
    ['select * from pgboss.job where id = $1', 'select pgboss.job'],
  ])('when the statement is %s, then it is named %s', (sql, name) => {
    expect(queryName(sql)).toBe(name);
  });
});
