import type { MetricsRegistry } from './metrics-registry.ts';
import { CachedReading } from './cached-reading.ts';

/** Pending orders past the recovery threshold, as read from the orders table. */
export interface OverduePendingReading {
  readonly count: number;
  readonly oldestAgeSeconds: number;
}

export interface OverduePendingSource {
  readonly read: () => Promise<OverduePendingReading>;
  /** At most one read per this interval, whatever the scrape rate. */
  readonly maxAgeMs: number;
}

/**
 * Orders left pending past ORDER_RECOVER_AFTER_MS: recovery settles them on its
 * schedule, so a count that stays above zero means recovery is not keeping up
 * (or not running) — the alert OrdersPendingPastRecovery watches it.
 */
export class OrderMetrics {
  #reading: CachedReading<OverduePendingReading> | undefined;

  constructor(metrics: MetricsRegistry) {
    const read = (field: keyof OverduePendingReading) => async () => {
      if (!this.#reading) return [];
      return [[{}, (await this.#reading.get())[field]] as const];
    };
    metrics.readGauge('orders_pending_overdue', 'Pending orders older than the recovery threshold (ORDER_RECOVER_AFTER_MS).', [], read('count'));
    metrics.readGauge(
      'orders_pending_overdue_oldest_age_seconds',
      'Age of the oldest pending order older than the recovery threshold; 0 when there is none.',
      [],
      read('oldestAgeSeconds'),
    );
  }

  watchOverduePending(source: OverduePendingSource): void {
    this.#reading = new CachedReading(source.read, source.maxAgeMs);
  }
}
