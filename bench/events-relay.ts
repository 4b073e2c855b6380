// Integration events: how fast the outbox relay publishes to JetStream, beside a bare
// JetStream publish baseline on the same server. Run: npm run bench:events-drain [-- --help]
// Needs PostgreSQL (BENCH_ADMIN_DATABASE_URL, default the local superuser) and NATS with
// JetStream (NATS_URL, default nats://127.0.0.1:4222). Creates and drops its own database and stream.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../internal/adapter/nats/nats-connection.ts';
import { JetStreamEventBroker } from '../internal/adapter/nats/jetstream-event-broker.ts';
import { PgNotificationListener } from '../internal/adapter/postgres/activity/pg-notification-listener.ts';
import { createDatabase } from '../internal/adapter/postgres/database.ts';
import { OUTBOX_CHANNEL, PostgresEventOutbox } from '../internal/adapter/postgres/postgres-event-outbox.ts';
import { PostgresOutboxStore } from '../internal/adapter/postgres/postgres-outbox-store.ts';
import { SqlMigrator } from '../internal/adapter/postgres/sql-migrator.ts';
import { OutboxRelay } from '../internal/app/events/outbox-relay.ts';
import { MIGRATIONS_DIR } from '../cmd/shared/project-paths.ts';
import { DEFAULT_OUTBOX_RELAY_BATCH_SIZE } from '../internal/platform/config/config.schema.ts';

const USAGE = `Usage: npm run bench:events-drain -- [--orders N] [--writers N] [--backlog N] [--baseline N]
  --orders N    orders per writer, each two transactions (order.placed, then order.paid); default 250
  --writers N   concurrent writers (the order-placement load); default 8
  --backlog N   events written before the relay starts, to time a pure drain; default 10000
  --baseline N  bare JetStream publishes of the baseline; default 5000
  --batch N     the relay's batch size; default OUTBOX_RELAY_BATCH_SIZE's default`;
const { values } = parseArgs({ options: { orders: { type: 'string' }, writers: { type: 'string' }, backlog: { type: 'string' }, baseline: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const whole = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) {
    console.error(`--${name} must be a whole number of at least 1\n${USAGE}`);
    process.exit(2);
  }
  return Number(value);
};
const ORDERS = whole(values.orders, 250, 'orders');
const WRITERS = whole(values.writers, 8, 'writers');
const BACKLOG = whole(values.backlog, 10_000, 'backlog');
const BASELINE = whole(values.baseline, 5_000, 'baseline');
const BATCH = whole(values.batch, DEFAULT_OUTBOX_RELAY_BATCH_SIZE, 'batch');

const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const tag = randomBytes(4).toString('hex');
const dbName = `ordersvc_bench_events_${tag}`;
const stream = `BENCH_EVENTS_${tag}`;
const prefix = `b${tag}.`;
const log = { debug: () => undefined, info: () => undefined, warn: (o: object, m?: string) => console.error(m, o), error: (o: object, m?: string) => console.error(m, o) };

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (value: number): string => `${value.toFixed(2)} ms`;

const admin = new pg.Client(adminUrl);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const database = createDatabase({ url: url.toString(), max: WRITERS + 4, connectionTimeoutMs: 5_000, statementTimeoutMs: 30_000, idleTimeoutMs: 10_000 }, () => undefined);
const nc = await connectNats({ url: natsUrl, name: 'bench-events', connectTimeoutMs: 5_000 });
const jsm = await jetstreamManager(nc);
try {
  await new SqlMigrator(database.db, MIGRATIONS_DIR).up();
  const broker = new JetStreamEventBroker(nc, { stream, subjectPrefix: prefix, maxAgeMs: 600_000, duplicateWindowMs: 600_000, replicas: 1, ackWaitMs: 30_000, policy: { maxDeliver: 1, backoffMs: [] }, log });
  await broker.ensureStream();

  // Baseline: the same server, one publisher awaiting each ack (the relay does so within one aggregate; it pipelines different aggregates).
  const js = jetstream(nc);
  const body = new TextEncoder().encode(JSON.stringify({ specversion: '1.0', id: uuidv7(), source: '/ordersvc', type: 'ordersvc.order.paid.v1', data: { order_id: uuidv7(), lines: [] } }));
  const baseline: number[] = [];
  const baselineStart = performance.now();
  for (let i = 0; i < BASELINE; i += 1) {
    const started = performance.now();
    await js.publish(`${prefix}ordersvc.bench.baseline`, body, { msgID: uuidv7() });
    baseline.push(performance.now() - started);
  }
  const baselineRate = BASELINE / ((performance.now() - baselineStart) / 1000);
  baseline.sort((a, b) => a - b);

  const outbox = new PostgresEventOutbox(uuidv7);
  const store = new PostgresOutboxStore(database.db);
  const event = (type: 'order.placed' | 'order.paid', orderId: string) => ({ type, aggregate: 'order' as const, aggregateId: orderId, data: { order_id: orderId } });

  // Drain: a backlog written first, then the relay alone.
  for (let written = 0; written < BACKLOG; written += 500) {
    const ids = Array.from({ length: Math.min(500, BACKLOG - written) }, () => uuidv7());
    await database.db.transaction().execute((trx) => outbox.append(trx, ids.map((id) => event('order.placed', id))));
  }
  let drained = 0;
  let drainDone: () => void = () => undefined;
  const drainFinished = new Promise<void>((resolve) => (drainDone = resolve));
  const drainRelay = new OutboxRelay(store, broker, {
    batchSize: BATCH,
    idlePollMs: 50,
    backoff: { baseMs: 50, capMs: 1_000 },
    publishTimeoutMs: 5_000,
    log,
    onPublished: (events) => {
      drained += events.length;
      if (drained >= BACKLOG) drainDone();
    },
  });
  const drainStart = performance.now();
  drainRelay.start();
  await drainFinished;
  const drainRate = BACKLOG / ((performance.now() - drainStart) / 1000);
  await drainRelay.stop();

  // Under load: writers commit orders (placed, then paid) while the relay, woken by NOTIFY, publishes.
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = WRITERS * ORDERS * 2;
  let published = 0;
  let loadDone: () => void = () => undefined;
  const loadFinished = new Promise<void>((resolve) => (loadDone = resolve));
  const relay = new OutboxRelay(store, broker, {
    batchSize: BATCH,
    idlePollMs: 1_000,
    backoff: { baseMs: 50, capMs: 1_000 },
    publishTimeoutMs: 5_000,
    log,
    onPublished: (events) => {
      const now = performance.now();
      for (const published of events) {
        const at = committedAt.get(published.aggregateId + published.subject);
        if (at !== undefined) latencies.push(now - at);
      }
      published += events.length;
      if (published >= total) loadDone();
    },
  });
  const listener = new PgNotificationListener({
    newClient: () => new pg.Client(url.toString()),
    channel: OUTBOX_CHANNEL,
    onNotification: () => relay.wake(),
    onListening: () => relay.wake(),
    backoff: { baseMs: 100, capMs: 1_000 },
    pingIntervalMs: 30_000,
    log,
    name: 'bench outbox notifications',
  });
  await listener.start();
  relay.start();
  const loadStart = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let n = 0; n < ORDERS; n += 1) {
        const orderId = uuidv7();
        for (const type of ['order.placed', 'order.paid'] as const) {
          // The commit time is taken just before the commit is sent: the latency includes the commit itself.
          await database.db.transaction().execute(async (trx) => {
            await outbox.append(trx, [event(type, orderId)]);
            committedAt.set(orderId + `ordersvc.${type}`, performance.now());
          });
        }
      }
    }),
  );
  const writeSeconds = (performance.now() - loadStart) / 1000;
  await loadFinished;
  const loadSeconds = (performance.now() - loadStart) / 1000;
  await relay.stop();
  await listener.stop();
  latencies.sort((a, b) => a - b);

  console.log(`
| measurement | events | events/s | p50 | p99 |
|---|---:|---:|---:|---:|
| bare JetStream publish (one publisher awaiting each ack) | ${BASELINE} | ${baselineRate.toFixed(0)} | ${ms(percentile(baseline, 50))} | ${ms(percentile(baseline, 99))} |
| relay draining a backlog (batches of ${BATCH}) | ${BACKLOG} | ${drainRate.toFixed(0)} | | |
| relay under ${WRITERS} order writers (commit → stream ack, batches of ${BATCH}) | ${total} | ${(total / loadSeconds).toFixed(0)} (written ${(total / writeSeconds).toFixed(0)}/s) | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} |
`);
} finally {
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await database.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.end();
}
