import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { newTally, recordAnswer, tallyToLoadResult } from '../call-stats.ts';
import { eventLikeMessage } from './event-like-message.ts';

// The floor of relaying events: a bare JetStream publisher on the same NATS as
// the service, into a stream configured as the service's (file storage,
// limits retention, a duplicate window), each publish carrying a unique
// Nats-Msg-Id and awaiting its ack, as the relay publishes within one aggregate. It makes
// its own load: POST /run?seconds=S&concurrency=C&bytes=B publishes for S
// seconds with C publishes in flight and answers autocannon's result shape;
// the harness samples this process's CPU over that window.
const natsUrl = process.env.NATS_URL;
const httpPort = Number(process.env.PORT);
if (!natsUrl || !Number.isInteger(httpPort) || httpPort <= 0) throw new Error('NATS_URL and PORT must be set');

const tag = `${process.pid}`;
const stream = `BENCH_PUBLISH_${tag}`;
const subject = `benchpub${tag}.ordersvc.order.placed`;
const nc = await connect({ servers: natsUrl, name: 'bench-jetstream-publish' });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: stream, subjects: [`benchpub${tag}.>`], retention: RetentionPolicy.Limits, storage: StorageType.File, duplicate_window: nanos(120_000), num_replicas: 1 });
const js = jetstream(nc);

async function run(seconds: number, concurrency: number, bytes: number) {
  const tally = newTally();
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const id = randomUUID();
        const at = performance.now();
        try {
          await js.publish(subject, eventLikeMessage(id, bytes), { msgID: id, expect: { streamName: stream }, timeout: 2_000 });
          recordAnswer(tally, 'OK', performance.now() - at);
        } catch {
          tally.errors += 1;
        }
      }
    }),
  );
  return tallyToLoadResult(tally, (performance.now() - started) / 1000);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return void res.writeHead(200).end('ok');
  if (req.method !== 'POST' || url.pathname !== '/run') return void res.writeHead(404).end();
  const seconds = Number(url.searchParams.get('seconds'));
  const concurrency = Number(url.searchParams.get('concurrency') ?? 1);
  const bytes = Number(url.searchParams.get('bytes') ?? 700);
  if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1 || !Number.isInteger(bytes) || bytes < 64) {
    return void res.writeHead(400, { 'content-type': 'text/plain' }).end('seconds > 0, concurrency ≥ 1 and bytes ≥ 64 (whole numbers) are needed');
  }
  run(seconds, concurrency, bytes).then(
    (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
    (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
  );
});
server.listen(httpPort, '127.0.0.1');

const stop = () => {
  server.close();
  void jsm.streams
    .delete(stream)
    .catch(() => undefined)
    .then(() => nc.close());
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
