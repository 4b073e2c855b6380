import { Counter } from 'prom-client';
import type { BreakerState } from '../resilience/circuit-breaker.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

/** A bulkhead's occupation at one moment. */
export interface BulkheadLoad {
  readonly running: number;
  readonly queued: number;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/** Circuit breakers, bulkheads, rate limits and retries, named by what they guard. */
export class ResilienceMetrics {
  readonly #transitions: Counter<'breaker' | 'from' | 'to'>;
  readonly #bulkheadRejections: Counter<'bulkhead'>;
  readonly #rateLimited: Counter<'limiter' | 'source'>;
  readonly #retries: Counter<'target' | 'operation'>;
  readonly #breakers = new Map<string, () => BreakerState>();
  readonly #bulkheads = new Map<string, () => BulkheadLoad>();

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const breakers = this.#breakers;
    metrics.readGauge('circuit_breaker_state', 'Circuit breaker state: 1 for the state it is in, 0 for the others.', ['breaker', 'state'], function* () {
      for (const [breaker, stateOf] of breakers) {
        const current = stateOf();
        for (const state of BREAKER_STATES) yield [{ breaker, state }, state === current ? 1 : 0] as const;
      }
    });
    const bulkheads = this.#bulkheads;
    const load = (field: keyof BulkheadLoad) =>
      function* () {
        for (const [bulkhead, loadOf] of bulkheads) yield [{ bulkhead }, loadOf()[field]] as const;
      };
    metrics.readGauge('bulkhead_active', 'Calls holding a slot of the bulkhead now.', ['bulkhead'], load('running'));
    metrics.readGauge('bulkhead_queued', 'Calls waiting in the bulkhead\'s queue for a slot now.', ['bulkhead'], load('queued'));
    this.#transitions = new Counter({ name: 'circuit_breaker_transitions_total', help: 'Circuit breaker state changes.', labelNames: ['breaker', 'from', 'to'], registers });
    this.#bulkheadRejections = new Counter({
      name: 'bulkhead_rejections_total',
      help: 'Calls turned away at once because every slot and queue place of the bulkhead was taken.',
      labelNames: ['bulkhead'],
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'rate_limited_total',
      help: 'Requests refused (HTTP 429 to our clients) or held back (outbound calls) by a rate limit; source local is our own limiter, remote the other side answering 429.',
      labelNames: ['limiter', 'source'],
      registers,
    });
    this.#retries = new Counter({ name: 'outbound_retries_total', help: 'Outbound calls retried after a failed attempt.', labelNames: ['target', 'operation'], registers });
  }

  /** Reports `breaker`'s state (read at scrape time). */
  watchBreaker(breaker: string, stateOf: () => BreakerState): void {
    this.#breakers.set(breaker, stateOf);
  }

  /** Reports `bulkhead`'s slots in use and queue length (read at scrape time). */
  watchBulkhead(bulkhead: string, loadOf: () => BulkheadLoad): void {
    this.#bulkheads.set(bulkhead, loadOf);
  }

  breakerTransition(breaker: string, from: BreakerState, to: BreakerState): void {
    this.#transitions.inc({ breaker, from, to });
  }

  bulkheadRejected(bulkhead: string): void {
    this.#bulkheadRejections.inc({ bulkhead });
  }

  rateLimited(limiter: string, source: 'local' | 'remote'): void {
    this.#rateLimited.inc({ limiter, source });
  }

  retried(target: string, operation: string): void {
    this.#retries.inc({ target, operation });
  }
}
