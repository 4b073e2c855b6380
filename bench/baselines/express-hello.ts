import express from 'express';
import { serve } from './serve.ts';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});

await serve(app);
