import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { subjectMatches } from '../../internal/adapter/events/subject-match.ts';
import { PostgresOutboxStore } from '../../internal/adapter/postgres/postgres-outbox-store.ts';
import { PostgresProductSalesStore } from '../../internal/adapter/postgres/postgres-product-sales-store.ts';
import { PRODUCT_SALES_CONSUMER, ProductSalesConsumer } from '../../internal/app/events/product-sales.consumer.ts';
import type { EventConsumer, EventMessage } from '../../internal/domain/events/event-publisher.ts';
import { commandSetup, failUsage, parseCommandWords } from '../shared/command-setup.ts';
import { openDatabase, type OpenedDatabase } from '../shared/database.ts';

const USAGE = `Usage: npm run events -- <command> [options]

Commands:
  tail                      print events as they are published, one CloudEvents JSON per line
    --subject PATTERN       only these subjects (NATS wildcards; default ordersvc.>)
    --since TIME            start at TIME (ISO 8601) instead of now
  replay                    hand the events since TIME to a consumer again; its inbox
                            skips those it applied already, so only missed or
                            dead-lettered ones take effect
    --consumer NAME         the consumer (${PRODUCT_SALES_CONSUMER})
    --since TIME            ISO 8601, e.g. 2026-12-03T10:00:00Z

With NATS_URL the stream (NATS_STREAM) is read; without it, the outbox table
(published rows are kept OUTBOX_RETENTION_MS).`;

const { values, positionals } = parseCommandWords(
  USAGE,
  { subject: { type: 'string' }, since: { type: 'string' }, consumer: { type: 'string' } },
  { positionals: true },
);
const [command, ...rest] = positionals;
if (rest.length > 0) failUsage(USAGE, `unexpected ${rest.join(' ')}`);
if (command !== 'tail' && command !== 'replay') failUsage(USAGE, command ? `unknown command ${command}` : 'a command is required');
const since = values.since === undefined ? undefined : new Date(values.since);
if (since && Number.isNaN(since.getTime())) failUsage(USAGE, `--since ${values.since} is not an ISO 8601 time`);
if (command === 'replay' && (!values.consumer || !since)) failUsage(USAGE, 'replay needs --consumer and --since');
if (command === 'replay' && values.consumer !== PRODUCT_SALES_CONSUMER) failUsage(USAGE, `unknown consumer ${values.consumer}; known: ${PRODUCT_SALES_CONSUMER}`);
if (command === 'tail' && values.consumer !== undefined) failUsage(USAGE, '--consumer is for replay');

const { config, logger } = commandSetup();
const subjectPattern = values.subject ?? 'ordersvc.>';
const prefix = config.events.subjectPrefix;
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

/** Every event from `start` on (or from now), in order, until aborted (tail) or the end (replay). */
async function* fromStream(nc: NatsConnection, start: Date | undefined, follow: boolean): AsyncGenerator<EventMessage> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(config.events.stream, {
    filter_subjects: `${prefix}${subjectPattern}`,
    ...(start ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: start.toISOString() } : { deliver_policy: DeliverPolicy.New }),
  });
  if (!follow) {
    const info = await consumer.info();
    if (info.num_pending === 0) return;
  }
  const messages = await consumer.consume();
  stop.signal.addEventListener('abort', () => void messages.close(), { once: true });
  for await (const msg of messages) {
    const envelope = msg.json<Record<string, unknown>>();
    yield { id: String(envelope.id), subject: msg.subject.slice(prefix.length), aggregateId: String(envelope.subject), envelope };
    if (!follow && msg.info.pending === 0) break;
  }
  await messages.close();
}

/** The outbox's rows from `start` on (or from now), in order; follows new publications while tailing. */
async function* fromOutbox(database: OpenedDatabase, start: Date | undefined, follow: boolean): AsyncGenerator<EventMessage> {
  const store = new PostgresOutboxStore(database.db);
  let afterSeq = 0;
  const from = start ?? new Date();
  while (!stop.signal.aborted) {
    const page = await store.listSince(from, afterSeq, 500);
    for (const event of page) {
      // Only what has been published; the rest is read again on the next round.
      if (!event.publishedAt) break;
      afterSeq = event.seq;
      if (subjectMatches(subjectPattern, event.subject)) yield event;
    }
    if (page.length === 500 && page.at(-1)?.publishedAt) continue;
    if (!follow) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const database = await openDatabase(config, logger, { autoMigrate: false });
const nc = config.events.natsUrl ? await connectNats({ url: config.events.natsUrl, name: `ordersvc-events-${command}`, connectTimeoutMs: 5_000 }) : undefined;
let exitCode = 0;
try {
  const events = nc ? fromStream(nc, since, command === 'tail') : fromOutbox(database, since, command === 'tail');
  if (command === 'tail') {
    // The envelope as published, its attributes in the spec's order (jsonb keeps keys sorted by length).
    const order = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data'];
    for await (const event of events) {
      const envelope = event.envelope;
      console.log(JSON.stringify(Object.fromEntries([...order.filter((key) => key in envelope).map((key) => [key, envelope[key]]), ...Object.entries(envelope).filter(([key]) => !order.includes(key))])));
    }
  } else {
    const consumer: EventConsumer = new ProductSalesConsumer(new PostgresProductSalesStore(database.db));
    let delivered = 0;
    let failed = 0;
    for await (const message of events) {
      if (!consumer.subjects.some((pattern) => subjectMatches(pattern, message.subject))) continue;
      try {
        await consumer.handle({ message, deliveryCount: 1 }, stop.signal);
        delivered += 1;
      } catch (error) {
        failed += 1;
        console.error(JSON.stringify({ event_id: message.id, subject: message.subject, error: error instanceof Error ? error.message : String(error) }));
      }
    }
    console.error(`${consumer.name}: ${delivered} events handed over again (those applied before were skipped by the inbox), ${failed} failed`);
    exitCode = failed > 0 ? 1 : 0;
  }
} finally {
  await nc?.close();
  await database.shutdown();
}
process.exitCode = exitCode;
