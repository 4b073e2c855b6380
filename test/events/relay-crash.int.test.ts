import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { PostgresEventOutbox } from '../../internal/adapter/postgres/postgres-event-outbox.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const natsUrl = inject('natsUrl');
const AGGREGATES = 20;
const PER_AGGREGATE = 100;
const TOTAL = AGGREGATES * PER_AGGREGATE;

function startRelay(env: Record<string, string>): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'test/support/relay-main.ts')], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, exited: once(child, 'exit') };
}

describe.skipIf(!natsUrl)('the relay killed in the middle of a batch', () => {
  const tag = randomBytes(4).toString('hex');
  const stream = `TEST_CRASH_${tag}`;
  const prefix = `c${tag}.`;
  let database: TestDatabase;
  let reader: EventStreamReader;

  beforeAll(async () => {
    database = await createTestDatabase();
    reader = await EventStreamReader.open(natsUrl, stream, prefix);
  });
  afterAll(async () => {
    await reader?.close();
    await database?.drop();
  });

  it('when it is SIGKILLed and started again, then every event reaches the stream once, in order per aggregate', async () => {
    const outbox = new PostgresEventOutbox(uuidv7);
    const aggregates = Array.from({ length: AGGREGATES }, () => randomUUID());
    for (let n = 0; n < PER_AGGREGATE; n += 1) {
      await database.db.transaction().execute((trx) =>
        outbox.append(trx, aggregates.map((id) => ({ type: 'product.stock_changed', aggregate: 'product', aggregateId: id, data: { n } }))),
      );
    }
    const env = { DATABASE_URL: database.url, NATS_URL: natsUrl, NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix, RELAY_BATCH_SIZE: '400' };
    const watch = await connectNats({ url: natsUrl, name: 'crash-watch', connectTimeoutMs: 2_000 });
    const jsm = await jetstreamManager(watch);
    const inStream = async () => (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;

    const first = startRelay(env);
    while ((await inStream()) < 500) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    await first.exited;
    const marked = Number((await database.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE published_at IS NOT NULL')).rows[0]?.count);
    const published = await inStream();
    // Mid-batch: the stream holds events whose rows were never marked (that transaction died with the process).
    expect(published).toBeGreaterThan(marked);
    expect(published).toBeLessThan(TOTAL);

    const second = startRelay(env);
    try {
      const events = await reader.until((all) => all.length >= TOTAL, 60_000);
      const pending = await database.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE published_at IS NULL');
      expect(pending.rows[0]?.count).toBe('0');
      expect(await inStream()).toBe(TOTAL);
      expect(new Set(events.map((event) => event.envelope.id)).size).toBe(TOTAL);
      for (const id of aggregates) {
        expect(events.filter((event) => event.envelope.subject === id).map((event) => event.envelope.data.n)).toEqual(Array.from({ length: PER_AGGREGATE }, (_, n) => n));
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await watch.close();
    }
  }, 120_000);
});
