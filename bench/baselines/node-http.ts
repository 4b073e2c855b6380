import { serve } from './serve.ts';

const body = JSON.stringify({ hello: 'world' });

await serve((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
