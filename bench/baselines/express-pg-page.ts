import express from 'express';
import pg from 'pg';
import { poolSettings, serve } from './serve.ts';

// The service's page SELECTs as kysely compiles them (limit + 1 tells whether a next page exists),
// on the service's own tables, answered as JSON: the floor of a page read.
const USERS =
  'select "users".*, array(select r.role from user_roles r where r.user_id = users.id order by r.role) as "roles" from "users" where "users"."id" > $1 order by "users"."id" limit $2';
const PRODUCTS = 'select * from "products" where "id" > $1 order by "id" limit $2';
const FIRST = '00000000-0000-0000-0000-000000000000';

const pool = new pg.Pool(poolSettings());
const app = express();
for (const [path, text] of [['/users', USERS], ['/products', PRODUCTS]] as const) {
  app.get(path, async (req, res) => {
    const limit = Number(req.query.limit ?? 50);
    const after = typeof req.query.after === 'string' ? req.query.after : FIRST;
    const { rows } = await pool.query({ text, values: [after, limit + 1] });
    const items = rows.slice(0, limit);
    res.json({ items, next_cursor: rows.length > limit ? (items.at(-1) as { id: string }).id : null });
  });
}
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

await serve(app, () => pool.end());
