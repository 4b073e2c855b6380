import { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.ts';

/** The outbox's backlog as read at scrape time. */
export interface OutboxBacklog {
  readonly pending: number;
  readonly oldestPendingAgeMs: number;
}

/** Integration events: the outbox relay and the consumers. */
export class EventMetrics {
  #backlog: (() => Promise<OutboxBacklog>) | undefined;
  readonly #published: Counter<'type'>;
  readonly #publishFailures: Counter;
  readonly #commitToStream: Histogram;
  readonly #handled: Counter<'consumer'>;
  readonly #redeliveries: Counter<'consumer'>;
  readonly #deadLetters: Counter<'consumer'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    let last: Promise<OutboxBacklog> | undefined;
    // Both gauges come from one query per scrape.
    const read = (field: keyof OutboxBacklog) => async () => {
      if (!this.#backlog) return [];
      last ??= this.#backlog().finally(() => setTimeout(() => (last = undefined), 100).unref());
      const backlog = await last;
      return [[{}, field === 'oldestPendingAgeMs' ? backlog.oldestPendingAgeMs / 1000 : backlog.pending] as const];
    };
    metrics.readGauge('outbox_lag_seconds', 'Age of the oldest outbox event not yet published (0 when none waits).', [], read('oldestPendingAgeMs'));
    metrics.readGauge('outbox_pending_events', 'Outbox events not yet published.', [], read('pending'));
    this.#published = new Counter({ name: 'events_published_total', help: 'Events the relay handed to the broker, by event type.', labelNames: ['type'], registers });
    this.#publishFailures = new Counter({ name: 'events_publish_failures_total', help: 'Relay batches that stopped on a failed publish (the rows wait and are retried).', registers });
    this.#commitToStream = new Histogram({
      name: 'events_commit_to_publish_seconds',
      help: 'From the outbox row written to the broker holding the event.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#handled = new Counter({ name: 'events_consumed_total', help: 'Events a consumer handled (acknowledged).', labelNames: ['consumer'], registers });
    this.#redeliveries = new Counter({ name: 'events_redeliveries_total', help: 'Failed deliveries that will be redelivered, by consumer.', labelNames: ['consumer'], registers });
    this.#deadLetters = new Counter({ name: 'events_dead_letters_total', help: 'Events sent to the dead-letter subject after max deliveries, by consumer.', labelNames: ['consumer'], registers });
  }

  watchBacklog(read: () => Promise<OutboxBacklog>): void {
    this.#backlog = read;
  }

  published(type: string, createdAt: Date): void {
    this.#published.inc({ type });
    this.#commitToStream.observe(Math.max(0, Date.now() - createdAt.getTime()) / 1000);
  }

  publishFailed(): void {
    this.#publishFailures.inc();
  }

  handled(consumer: string): void {
    this.#handled.inc({ consumer });
  }

  redelivered(consumer: string): void {
    this.#redeliveries.inc({ consumer });
  }

  deadLettered(consumer: string): void {
    this.#deadLetters.inc({ consumer });
  }
}
