import pg from 'pg';
import type { NatsConnection } from '@nats-io/nats-core';
import { InProcessEventBus } from '../../internal/adapter/events/in-process-event-bus.ts';
import type { DeliveryObserver, DeliveryPolicy } from '../../internal/adapter/events/delivery-policy.ts';
import { JetStreamEventBroker } from '../../internal/adapter/nats/jetstream-event-broker.ts';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { PgNotificationListener } from '../../internal/adapter/postgres/activity/pg-notification-listener.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { OUTBOX_CHANNEL, PostgresEventOutbox } from '../../internal/adapter/postgres/postgres-event-outbox.ts';
import { PostgresOutboxStore } from '../../internal/adapter/postgres/postgres-outbox-store.ts';
import { PostgresProductSalesStore } from '../../internal/adapter/postgres/postgres-product-sales-store.ts';
import { OutboxRelay } from '../../internal/app/events/outbox-relay.ts';
import { ListProductSales } from '../../internal/app/events/list-product-sales.use-case.ts';
import type { ProductSalesUseCases } from '../../internal/transport/http/events/product-sales.routes.ts';
import { ProductSalesConsumer } from '../../internal/app/events/product-sales.consumer.ts';
import type { EventConsumer, EventMessage, EventPublisher } from '../../internal/domain/events/event-publisher.ts';
import type { DependencyProbe } from '../../internal/domain/health/dependency-probe.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startInBackground, type BackgroundStart } from '../../internal/platform/lifecycle/start-in-background.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { EventMetrics } from '../../internal/platform/metrics/event-metrics.ts';

/** The integration events of one process: the outbox writer, the relay, the broker and the consumers. */
export interface EventsComponent {
  readonly name: 'events';
  /** For the repositories: events written in their transactions. */
  readonly outbox: PostgresEventOutbox;
  readonly useCases: ProductSalesUseCases;
  /** NATS as a non-critical dependency (absent in the embedded mode). */
  readonly probe: DependencyProbe | undefined;
  /** The in-process bus of the embedded mode (tests tap it); undefined with NATS. */
  readonly inProcess: InProcessEventBus | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventsOptions {
  readonly metrics?: EventMetrics | undefined;
  /** Extra consumers (tests); the service's own are always subscribed. */
  readonly consumers?: readonly EventConsumer[] | undefined;
  readonly newId: () => string;
}

export function deliveryPolicyOf(config: AppConfig): DeliveryPolicy {
  return { maxDeliver: config.events.maxDeliver, backoffMs: config.events.redeliveryBackoffMs.split(',').map((part) => Number(part.trim())) };
}

export function createEvents(config: AppConfig, logger: Logger, database: DatabaseHandle, options: EventsOptions): EventsComponent {
  const log = logger.child({ component: 'events' });
  const store = new PostgresOutboxStore(database.db);
  const sales = new PostgresProductSalesStore(database.db);
  const consumers = [new ProductSalesConsumer(sales), ...(options.consumers ?? [])];
  const metrics = options.metrics;
  const observer: DeliveryObserver = {
    handled: (consumer) => metrics?.handled(consumer),
    redelivered: (consumer) => metrics?.redelivered(consumer),
    deadLettered: (consumer) => metrics?.deadLettered(consumer),
  };
  const policy = deliveryPolicyOf(config);
  const natsUrl = config.events.natsUrl;

  const inProcess = natsUrl ? undefined : new InProcessEventBus({ policy, maxQueued: 10_000, dedupeWindow: 100_000, log, observer });
  let broker: JetStreamEventBroker | undefined;
  let connection: NatsConnection | undefined;
  let natsStart: BackgroundStart | undefined;
  const publisher: EventPublisher = inProcess ?? {
    publish: (message: EventMessage, signal?: AbortSignal) => (broker ? broker.publish(message, signal) : Promise.reject(new Error('NATS is not connected yet'))),
  };
  const relay = new OutboxRelay(store, publisher, {
    batchSize: config.events.relayBatchSize,
    idlePollMs: config.events.relayIdlePollMs,
    backoff: { baseMs: 200, capMs: 10_000 },
    publishTimeoutMs: 5_000,
    log,
    onPublished: (events) => {
      for (const event of events) metrics?.published(event.subject.replace(/^ordersvc\./, ''), event.createdAt);
    },
    onFailed: () => metrics?.publishFailed(),
  });
  metrics?.watchBacklog(() => store.lag());
  const listener = new PgNotificationListener({
    newClient: () =>
      new pg.Client({
        connectionString: database.pool.options.connectionString,
        application_name: 'ordersvc-outbox',
        keepAlive: true,
        connectionTimeoutMillis: config.database.connectionTimeoutMs,
        query_timeout: config.database.statementTimeoutMs,
      }),
    channel: OUTBOX_CHANNEL,
    onNotification: () => relay.wake(),
    onListening: () => relay.wake(),
    backoff: { baseMs: 200, capMs: 10_000 },
    pingIntervalMs: 30_000,
    log,
    name: 'outbox notifications',
  });

  const startNats = async () => {
    const nc = await connectNats({ url: natsUrl, name: `ordersvc-${process.pid}`, connectTimeoutMs: 5_000 });
    try {
      const jetStream = new JetStreamEventBroker(nc, {
        stream: config.events.stream,
        subjectPrefix: config.events.subjectPrefix,
        maxAgeMs: config.events.streamMaxAgeMs,
        duplicateWindowMs: config.events.duplicateWindowMs,
        replicas: config.events.streamReplicas,
        ackWaitMs: config.events.ackWaitMs,
        policy,
        log,
        observer,
      });
      await jetStream.ensureStream();
      for (const consumer of consumers) await jetStream.subscribe(consumer);
      connection = nc;
      broker = jetStream;
      relay.wake();
      log.info({ stream: config.events.stream }, 'events are published to NATS JetStream');
      return {
        stop: async () => {
          broker = undefined;
          await jetStream.close();
          await nc.drain().catch(() => nc.close());
        },
      };
    } catch (error) {
      await nc.close();
      throw error;
    }
  };

  return {
    name: 'events',
    outbox: new PostgresEventOutbox(options.newId),
    useCases: { listProductSales: new ListProductSales(sales) },
    inProcess,
    probe: natsUrl && config.events.workersEnabled
      ? {
          name: 'nats',
          critical: false,
          check: async () => {
            if (!connection || connection.isClosed()) throw new Error('not connected');
            await connection.flush();
          },
        }
      : undefined,
    async start() {
      if (!config.events.workersEnabled) return;
      if (inProcess) for (const consumer of consumers) await inProcess.subscribe(consumer);
      else natsStart = await startInBackground('NATS JetStream', startNats, { log });
      await listener.start();
      relay.start();
    },
    async stop() {
      await relay.stop();
      await listener.stop();
      await natsStart?.stop();
      await inProcess?.close();
    },
  };
}
