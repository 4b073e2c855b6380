import { randomBytes, randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { JetStreamEventBroker } from '../../internal/adapter/nats/jetstream-event-broker.ts';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { PostgresEventOutbox } from '../../internal/adapter/postgres/postgres-event-outbox.ts';
import { PostgresOutboxStore } from '../../internal/adapter/postgres/postgres-outbox-store.ts';
import { OutboxRelay } from '../../internal/app/events/outbox-relay.ts';
import { publishByAggregate } from '../../internal/app/events/publish-by-aggregate.ts';
import type { EventMessage, EventPublisher } from '../../internal/domain/events/event-publisher.ts';
import type { StoredEvent } from '../../internal/domain/events/outbox-store.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { testBroker } from '../support/test-broker.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const natsUrl = inject('natsUrl');
const AGGREGATES = 8;
const PER_AGGREGATE = 12;
const TOTAL = AGGREGATES * PER_AGGREGATE;
const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

type Fault = 'before-send' | 'ack-lost';
const nOf = (message: EventMessage): number => (message.envelope as { data: { n: number } }).data.n;

/**
 * The real JetStream broker with faults injected once at chosen events:
 * `before-send` fails before the broker sees the event, `ack-lost` lets the
 * broker store it and then fails (a lost ack). It also checks, at every
 * publish, that the aggregate's previous event had been acknowledged, and
 * counts the publishes in flight at once.
 */
class FaultyBroker implements EventPublisher {
  readonly #broker: JetStreamEventBroker;
  readonly #faults: Map<string, Fault>;
  readonly #acked = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  readonly violations: string[] = [];

  constructor(broker: JetStreamEventBroker, faults: Map<string, Fault>) {
    this.#broker = broker;
    this.#faults = faults;
  }

  async publish(message: EventMessage, signal?: AbortSignal): Promise<void> {
    const n = nOf(message);
    const lastAcked = this.#acked.get(message.aggregateId) ?? -1;
    if (n > lastAcked + 1) this.violations.push(`${message.aggregateId} #${n} sent while #${lastAcked + 1} was not acknowledged`);
    const key = `${message.aggregateId}#${n}`;
    const fault = this.#faults.get(key);
    this.#faults.delete(key);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (fault === 'before-send') throw new Error(`injected failure before ${key} was sent`);
      await this.#broker.publish(message, signal);
      if (fault === 'ack-lost') throw new Error(`injected loss of the ack of ${key}`);
      this.#acked.set(message.aggregateId, Math.max(lastAcked, n));
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe.skipIf(!natsUrl)('the relay publishing a batch pipelined', () => {
  const tag = randomBytes(4).toString('hex');
  const stream = `TEST_PIPE_${tag}`;
  const prefix = `p${tag}.`;
  let database: TestDatabase;
  let reader: EventStreamReader;
  let nc: NatsConnection;
  let broker: JetStreamEventBroker;

  beforeAll(async () => {
    database = await createTestDatabase();
    reader = await EventStreamReader.open(natsUrl, stream, prefix);
    nc = await connectNats({ url: natsUrl, name: 'pipelined-relay-test', connectTimeoutMs: 2_000 });
    broker = testBroker(nc, stream, prefix, log);
    await broker.ensureStream();
  });
  afterAll(async () => {
    await nc?.close();
    await reader?.close();
    await database?.drop();
  });

  it('when publishes fail in the middle of a batch (one before sending, one with its ack lost), then exactly the acknowledged events are marked, and after the retry the stream holds each event once, in order per aggregate', async () => {
    const outbox = new PostgresEventOutbox(uuidv7);
    const aggregates = Array.from({ length: AGGREGATES }, () => randomUUID());
    for (let n = 0; n < PER_AGGREGATE; n += 1) {
      await database.db.transaction().execute((trx) =>
        outbox.append(trx, aggregates.map((id) => ({ type: 'product.stock_changed', aggregate: 'product', aggregateId: id, data: { n } }))),
      );
    }
    const refused = { aggregate: aggregates[2]!, n: 4 };
    const unacked = { aggregate: aggregates[5]!, n: 7 };
    const faulty = new FaultyBroker(
      broker,
      new Map<string, Fault>([
        [`${refused.aggregate}#${refused.n}`, 'before-send'],
        [`${unacked.aggregate}#${unacked.n}`, 'ack-lost'],
      ]),
    );
    const store = new PostgresOutboxStore(database.db);

    // One batch holding every event, published the way the relay does.
    let published: readonly StoredEvent[] = [];
    const result = await store.relayBatch(TOTAL, async (events) => {
      const outcome = await publishByAggregate(events, { publish: (event) => faulty.publish(event), stopped: () => false });
      published = outcome.published;
      expect(outcome.failed.map((event) => [event.aggregateId, nOf(event)])).toEqual([
        [refused.aggregate, refused.n],
        [unacked.aggregate, unacked.n],
      ]);
      return outcome;
    });
    const expectedMarked = TOTAL - (PER_AGGREGATE - refused.n) - (PER_AGGREGATE - unacked.n);
    expect(result).toEqual({ leader: true, claimed: TOTAL, published: expectedMarked });
    expect(published).toHaveLength(expectedMarked);
    // Pipelined: the first event of every aggregate was in flight at once.
    expect(faulty.maxInFlight).toBe(AGGREGATES);

    const rows = await database.pool.query<{ aggregate_id: string; n: number; published: boolean; attempts: number }>(
      `SELECT aggregate_id, (envelope->'data'->>'n')::int AS n, published_at IS NOT NULL AS published, attempts FROM outbox ORDER BY seq`,
    );
    const stoppedAt = (aggregate: string): number => (aggregate === refused.aggregate ? refused.n : aggregate === unacked.aggregate ? unacked.n : PER_AGGREGATE);
    for (const row of rows.rows) {
      // Not a prefix of the batch: the other aggregates' later rows are marked too.
      expect(row.published, `${row.aggregate_id} #${row.n}`).toBe(row.n < stoppedAt(row.aggregate_id));
      const failedHere = (row.aggregate_id === refused.aggregate && row.n === refused.n) || (row.aggregate_id === unacked.aggregate && row.n === unacked.n);
      expect(row.attempts).toBe(failedHere ? 1 : 0);
    }
    // The lost ack's event is in the stream (unmarked); nothing after either failure got in.
    const afterFailure = await reader.all();
    expect(afterFailure).toHaveLength(expectedMarked + 1);
    expect(afterFailure.filter((event) => event.envelope.subject === refused.aggregate).map((event) => event.envelope.data.n)).toEqual([0, 1, 2, 3]);
    expect(afterFailure.filter((event) => event.envelope.subject === unacked.aggregate).map((event) => event.envelope.data.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // The relay retries what is left through the same broker (the faults fired once).
    const relay = new OutboxRelay(store, faulty, { batchSize: 5, idlePollMs: 20, backoff: { baseMs: 10, capMs: 50 }, publishTimeoutMs: 2_000, log });
    relay.start();
    try {
      const events = await reader.until((all) => all.length >= TOTAL, 20_000);
      await relay.stop();
      const pending = await database.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE published_at IS NULL');
      expect(pending.rows[0]?.count).toBe('0');
      expect(events).toHaveLength(TOTAL);
      expect(new Set(events.map((event) => event.msgId)).size).toBe(TOTAL);
      for (const id of aggregates) {
        expect(events.filter((event) => event.envelope.subject === id).map((event) => event.envelope.data.n)).toEqual(Array.from({ length: PER_AGGREGATE }, (_, n) => n));
      }
      expect(faulty.violations).toEqual([]);
    } finally {
      await relay.stop();
    }
  });

  it('when a publisher answers an event as held while an earlier one of its aggregate is not, then the store marks the aggregate only up to the gap', async () => {
    const outbox = new PostgresEventOutbox(uuidv7);
    const aggregate = randomUUID();
    const other = randomUUID();
    await database.db.transaction().execute((trx) =>
      outbox.append(trx, [0, 1, 2, 3].flatMap((n) => [aggregate, other].map((id) => ({ type: 'product.stock_changed' as const, aggregate: 'product' as const, aggregateId: id, data: { n } })))),
    );
    const store = new PostgresOutboxStore(database.db);
    const result = await store.relayBatch(100, (events) => {
      const mine = events.filter((event) => event.aggregateId === aggregate || event.aggregateId === other);
      // Claims #0, #2, #3 of one aggregate (not #1), and all of the other.
      return Promise.resolve({ published: mine.filter((event) => event.aggregateId === other || nOf(event) !== 1), failed: [] });
    });
    expect(result.published).toBe(5);
    const rows = await database.pool.query<{ aggregate_id: string; n: number }>(
      `SELECT aggregate_id, (envelope->'data'->>'n')::int AS n FROM outbox WHERE published_at IS NULL AND aggregate_id::text = ANY($1::text[]) ORDER BY seq`,
      [[aggregate, other]],
    );
    expect(rows.rows.map((row) => [row.aggregate_id, row.n])).toEqual([
      [aggregate, 1],
      [aggregate, 2],
      [aggregate, 3],
    ]);
  });
});
