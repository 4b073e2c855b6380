import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../../test/api/metrics/prometheus-text.ts';
import { ServiceMetrics } from './service-metrics.ts';

const scrape = async (metrics: ServiceMetrics) => parseExposition((await metrics.scrape()).body);

describe('the series the alerts watch', () => {
  it('when statements run past the slow-query threshold, then only those count as slow', async () => {
    const metrics = new ServiceMetrics();

    metrics.database.observeQuery('select orders', 250, false, 200);
    metrics.database.observeQuery('select orders', 200, false, 200);
    metrics.database.observeQuery('select users', 900, false, 0);
    const page = await scrape(metrics);

    expect(page.sum('db_slow_queries_total', { query: 'select orders' })).toBe(1);
    expect(page.select('db_slow_queries_total', { query: 'select users' })).toEqual([]);
  });

  it('when bulkheads are watched, then their slots in use and queues are read at scrape time', async () => {
    const metrics = new ServiceMetrics();
    let load = { running: 2, queued: 5 };
    metrics.resilience.watchBulkhead('password-hasher', () => load);

    expect((await scrape(metrics)).sum('bulkhead_queued', { bulkhead: 'password-hasher' })).toBe(5);
    load = { running: 1, queued: 0 };
    const page = await scrape(metrics);
    expect(page.sum('bulkhead_active', { bulkhead: 'password-hasher' })).toBe(1);
    expect(page.sum('bulkhead_queued', { bulkhead: 'password-hasher' })).toBe(0);
  });

  it('when readiness answers ready, not ready, not ready, ready, then the gauge shows the last answer and two changes are counted', async () => {
    const metrics = new ServiceMetrics();
    expect((await scrape(metrics)).sum('readiness_transitions_total')).toBe(0);

    for (const ready of [true, false, false, true]) metrics.readiness.checked(ready);
    const page = await scrape(metrics);

    expect(page.sum('readiness_ready')).toBe(1);
    expect(page.sum('readiness_transitions_total', { to: 'not_ready' })).toBe(1);
    expect(page.sum('readiness_transitions_total', { to: 'ready' })).toBe(1);
  });

  it('when overdue pending orders are read, then the count and the oldest age are gauges, read once within their max age', async () => {
    const metrics = new ServiceMetrics();
    let reads = 0;
    metrics.orders.watchOverduePending({ read: () => Promise.resolve({ count: 3, oldestAgeSeconds: 420 + reads++ }), maxAgeMs: 60_000 });

    const page = await scrape(metrics);

    expect(page.sum('orders_pending_overdue')).toBe(3);
    expect(page.sum('orders_pending_overdue_oldest_age_seconds')).toBe(420);
    expect(reads).toBe(1);
  });

  it('when queue depths are read, then every queue shows a dead-letter count of 0, so the first dead letter is an increase', async () => {
    const metrics = new ServiceMetrics();
    metrics.jobs.watchDepths({ read: () => Promise.resolve([{ queue: 'order-confirmation', counts: { created: 0 } }]), maxAgeMs: 0, timeoutMs: 1_000 });

    await scrape(metrics);
    const page = await scrape(metrics);

    expect(page.select('job_dead_letters_total', { queue: 'order-confirmation' })).toEqual([{ name: 'job_dead_letters_total', labels: { queue: 'order-confirmation' }, value: 0 }]);
  });
});
