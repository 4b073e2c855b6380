import express from 'express';
import pg from 'pg';
import { poolSettings, serve } from './serve.ts';

// A two-statement write transaction: take stock, record the order. The floor of order placement.
const pool = new pg.Pool(poolSettings());
const app = express();
app.use(express.json());
app.post('/orders', async (req, res) => {
  const { product_id: productId, quantity } = req.body as { product_id: number; quantity: number };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const taken = await client.query('UPDATE bench_baseline_stock SET stock = stock - $2 WHERE id = $1 AND stock >= $2', [productId, quantity]);
    if (taken.rowCount === 0) {
      await client.query('ROLLBACK');
      res.status(409).json({ title: 'insufficient stock' });
      return;
    }
    const { rows } = await client.query<{ id: string }>('INSERT INTO bench_baseline_orders (product_id, quantity) VALUES ($1, $2) RETURNING id', [
      productId,
      quantity,
    ]);
    await client.query('COMMIT');
    res.status(201).json({ id: rows[0]?.id, product_id: productId, quantity });
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

// Registered after the measured route, so it costs that route nothing; the harness polls it until the process is up.
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

await serve(app, () => pool.end());
