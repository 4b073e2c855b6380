import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** What `GET /metrics` answers. */
export interface MetricsPage {
  readonly contentType: string;
  readonly body: string;
}

/** A series' labels and its value, as read from counts kept elsewhere. */
export type Reading<L extends string> = readonly [labels: Readonly<Record<L, string>>, value: number];

/** Called when a source of readings fails during a scrape (the scrape goes on without its series). */
export type SourceErrorHandler = (metric: string, error: unknown) => void;

/**
 * One service's metrics: a registry of its own (never prom-client's global
 * one, so two services in one process do not collide), with the Node runtime
 * metrics (event-loop delay, heap, GC, handles) and event-loop utilisation.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly #onSourceError: SourceErrorHandler;

  constructor(options: { readonly onSourceError?: SourceErrorHandler } = {}) {
    this.#onSourceError = options.onSourceError ?? (() => undefined);
    // prom-client's monitors (event-loop delay histogram, GC observer) live as long as the process.
    collectDefaultMetrics({ register: this.registry });
    let last: EventLoopUtilization = performance.eventLoopUtilization();
    new Gauge({
      name: 'nodejs_eventloop_utilization_ratio',
      help: 'Share of time the event loop was busy since the previous scrape (0 to 1).',
      registers: [this.registry],
      collect() {
        const now = performance.eventLoopUtilization();
        this.set(performance.eventLoopUtilization(now, last).utilization);
        last = now;
      },
    });
  }

  async scrape(): Promise<MetricsPage> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** A counter whose values are counted elsewhere and read at scrape time (no cost between scrapes). */
  readCounter<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Iterable<Reading<L>>): Counter<L> {
    const onError = this.#onSourceError;
    return new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        try {
          for (const [labels, value] of read()) this.inc(labels, value);
        } catch (error) {
          onError(name, error);
        }
      },
    });
  }

  /** A gauge read at scrape time. */
  readGauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Iterable<Reading<L>> | Promise<Iterable<Reading<L>>>): Gauge<L> {
    const onError = this.#onSourceError;
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [labels, value] of await read()) this.set(labels, value);
        } catch (error) {
          onError(name, error);
        }
      },
    });
  }
}
