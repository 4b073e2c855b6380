// A relay alone in a process of its own, for the crash tests: DATABASE_URL,
// NATS_URL, NATS_STREAM, NATS_SUBJECT_PREFIX, RELAY_BATCH_SIZE from the environment.
import { createDatabase } from '../../internal/adapter/postgres/database.ts';
import { testBroker } from './test-broker.ts';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { PostgresOutboxStore } from '../../internal/adapter/postgres/postgres-outbox-store.ts';
import { OutboxRelay } from '../../internal/app/events/outbox-relay.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const log = { debug: () => undefined, info: () => undefined, warn: (o: object, m?: string) => console.error(m, o), error: (o: object, m?: string) => console.error(m, o) };
const database = createDatabase({ url: env('DATABASE_URL'), max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 10_000, idleTimeoutMs: 10_000 }, () => undefined);
const nc = await connectNats({ url: env('NATS_URL'), name: 'relay-process', connectTimeoutMs: 2_000 });
const broker = testBroker(nc, env('NATS_STREAM'), process.env.NATS_SUBJECT_PREFIX ?? '', log);
await broker.ensureStream();
const relay = new OutboxRelay(new PostgresOutboxStore(database.db), broker, {
  batchSize: Number(process.env.RELAY_BATCH_SIZE ?? '100'),
  idlePollMs: 50,
  backoff: { baseMs: 50, capMs: 500 },
  publishTimeoutMs: 2_000,
  log,
  onPublished: (events) => console.log(JSON.stringify({ published: events.length })),
});
relay.start();
console.log(JSON.stringify({ relaying: true }));
process.once('SIGTERM', () => {
  void relay.stop().then(async () => {
    await nc.close();
    await database.close();
  });
});
