import express from 'express';
import pg from 'pg';
import { poolSettings, serve } from './serve.ts';

// One primary-key SELECT per request through a pool: the floor of any read that misses the cache.
const pool = new pg.Pool(poolSettings());
const app = express();
app.get('/users/:id', async (req, res) => {
  const { rows } = await pool.query<{ id: number; name: string; email: string; created_at: Date }>(
    'SELECT id, name, email, created_at FROM bench_baseline_users WHERE id = $1',
    [Number(req.params.id)],
  );
  const row = rows[0];
  if (!row) {
    res.status(404).json({ title: 'not found' });
    return;
  }
  res.json(row);
});

await serve(app, () => pool.end());
