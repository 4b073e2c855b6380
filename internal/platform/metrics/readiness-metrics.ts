import { Counter, Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * The outcome of each readiness check (`/readyz`, which the kubelet asks every
 * few seconds): a gauge of the last one and a counter of changes, so a
 * flapping replica shows even when scrapes fall between two changes.
 */
export class ReadinessMetrics {
  readonly #ready: Gauge;
  readonly #transitions: Counter<'to'>;
  #last: boolean | undefined;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.#ready = new Gauge({ name: 'readiness_ready', help: '1 when the last readiness check answered ready, 0 otherwise.', registers });
    this.#transitions = new Counter({
      name: 'readiness_transitions_total',
      help: 'Changes of the readiness check\'s answer, by the state changed to (ready or not_ready).',
      labelNames: ['to'],
      registers,
    });
    for (const to of ['ready', 'not_ready']) this.#transitions.inc({ to }, 0);
  }

  readonly checked = (ready: boolean): void => {
    this.#ready.set(ready ? 1 : 0);
    if (this.#last !== undefined && this.#last !== ready) this.#transitions.inc({ to: ready ? 'ready' : 'not_ready' });
    this.#last = ready;
  };
}
