import type { MetricsRegistry } from './metrics-registry.ts';

/** A cache's counters since it was made (the two-level cache's `stats()`). */
export interface CacheCounts {
  readonly hitsLocal: number;
  readonly hitsRedis: number;
  readonly misses: number;
  readonly staleServed: number;
  readonly localEntries: number;
}

/** Hits per level, misses and entries of each read-through cache, read from its own counters at scrape time. */
export class CacheMetrics {
  readonly #caches = new Map<string, () => CacheCounts>();

  constructor(metrics: MetricsRegistry) {
    const caches = this.#caches;
    metrics.readCounter('cache_hits_total', 'Lookups answered by a cache level (local: this process, redis: shared).', ['cache', 'level'], function* () {
      for (const [cache, countsOf] of caches) {
        const counts = countsOf();
        yield [{ cache, level: 'local' }, counts.hitsLocal] as const;
        yield [{ cache, level: 'redis' }, counts.hitsRedis] as const;
      }
    });
    metrics.readCounter('cache_misses_total', 'Lookups no cache level could answer (loaded from the database, or a stale value served).', ['cache'], function* () {
      for (const [cache, countsOf] of caches) yield [{ cache }, countsOf().misses] as const;
    });
    metrics.readCounter('cache_stale_served_total', 'Stale values served because loading a fresh one failed.', ['cache'], function* () {
      for (const [cache, countsOf] of caches) yield [{ cache }, countsOf().staleServed] as const;
    });
    metrics.readGauge('cache_local_entries', 'Entries in the local (per-process) level.', ['cache'], function* () {
      for (const [cache, countsOf] of caches) yield [{ cache }, countsOf().localEntries] as const;
    });
  }

  watch(cache: string, countsOf: () => CacheCounts): void {
    this.#caches.set(cache, countsOf);
  }
}
