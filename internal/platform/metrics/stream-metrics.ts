import type { MetricsRegistry } from './metrics-registry.ts';

/** The live activity streams of this process (the activity hub's `stats()`). */
export interface StreamCounts {
  readonly subscribers: number;
  readonly users: number;
  readonly bufferedEvents: number;
}

/** Server-sent event subscribers, read at scrape time. */
export class StreamMetrics {
  #source: (() => StreamCounts) | undefined;

  constructor(metrics: MetricsRegistry) {
    const read = (field: keyof StreamCounts) => () => (this.#source ? [[{}, this.#source()[field]] as const] : []);
    metrics.readGauge('sse_subscribers', 'Open server-sent event streams (activity feed) on this process.', [], read('subscribers'));
    metrics.readGauge('sse_subscribed_users', 'Users with at least one open stream on this process.', [], read('users'));
    metrics.readGauge('sse_buffered_events', 'Events waiting in the streams\' buffers, all together.', [], read('bufferedEvents'));
  }

  watch(source: () => StreamCounts): void {
    this.#source = source;
  }
}
