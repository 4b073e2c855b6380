import { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.ts';

/** A connection pool's occupation at one moment (pg.Pool's counts). */
export interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

// Seconds: primary-key reads take well under a millisecond, the statement timeout ends at seconds.
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Statement durations by query name (verb and first table) and the pools' occupation. */
export class DatabaseMetrics {
  readonly #duration: Histogram<'query'>;
  readonly #errors: Counter<'query'>;
  readonly #slow: Counter<'query'>;
  readonly #pools = new Map<string, () => PoolCounts>();
  readonly #labels = new Map<string, { readonly query: string }>();

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.#duration = new Histogram({
      name: 'db_query_duration_seconds',
      help: 'SQL statement durations by query name (verb and first table).',
      labelNames: ['query'],
      buckets: QUERY_BUCKETS,
      registers,
    });
    this.#errors = new Counter({ name: 'db_query_errors_total', help: 'SQL statements that failed, by query name.', labelNames: ['query'], registers });
    this.#slow = new Counter({
      name: 'db_slow_queries_total',
      help: 'SQL statements longer than DB_SLOW_QUERY_MS (those the slow-query log names), by query name.',
      labelNames: ['query'],
      registers,
    });
    const pools = this.#pools;
    const read = (field: keyof PoolCounts) =>
      function* () {
        for (const [pool, countsOf] of pools) yield [{ pool }, countsOf()[field]] as const;
      };
    metrics.readGauge('db_pool_connections', 'Connections the pool holds (idle and in use).', ['pool'], read('totalCount'));
    metrics.readGauge('db_pool_idle_connections', 'Connections of the pool that are idle.', ['pool'], read('idleCount'));
    metrics.readGauge('db_pool_waiting_requests', 'Callers waiting for a connection of the pool.', ['pool'], read('waitingCount'));
  }

  /** Reports `pool`'s counts (read at scrape time). */
  watchPool(pool: string, countsOf: () => PoolCounts): void {
    this.#pools.set(pool, countsOf);
  }

  /** `slowAfterMs`: statements longer than this also count as slow (0: none does). */
  readonly observeQuery = (name: string, durationMs: number, failed: boolean, slowAfterMs = 0): void => {
    let labels = this.#labels.get(name);
    if (labels === undefined) {
      labels = { query: name };
      this.#labels.set(name, labels);
    }
    this.#duration.observe(labels, durationMs / 1000);
    if (failed) this.#errors.inc(labels);
    if (slowAfterMs > 0 && durationMs > slowAfterMs) this.#slow.inc(labels);
  };
}
