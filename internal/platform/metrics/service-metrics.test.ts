import { describe, expect, it } from 'vitest';
import { parseExposition, type Exposition } from '../../../test/api/metrics/prometheus-text.ts';
import { ServiceMetrics } from './service-metrics.ts';

async function scrape(metrics: ServiceMetrics): Promise<Exposition> {
  const page = await metrics.scrape();
  expect(page.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(page.body);
}

const cacheCounts = (hitsLocal: number) => ({ hitsLocal, hitsRedis: 2, misses: 3, staleServed: 0, localEntries: 7 });

describe('ServiceMetrics', () => {
  it('when requests are observed, then counts, errors and durations appear per method, route template and status class', async () => {
    const metrics = new ServiceMetrics();

    metrics.http.observe({ method: 'GET', route: '/v1/users/:id', status: 200, durationMs: 3 });
    metrics.http.observe({ method: 'GET', route: '/v1/users/:id', status: 200, durationMs: 40 });
    metrics.http.observe({ method: 'GET', route: '/v1/users/:id', status: 404, durationMs: 1 });
    metrics.http.observe({ method: 'POST', route: '/v1/orders', status: 503, durationMs: 2_000 });
    metrics.http.observe({ method: 'BREW', route: 'unmatched', status: undefined, durationMs: 1 });
    const page = await scrape(metrics);

    const ok = { method: 'GET', route: '/v1/users/:id', status_class: '2xx' };
    expect(page.sum('http_server_requests_total', ok)).toBe(2);
    expect(page.sum('http_server_request_duration_seconds_count', ok)).toBe(2);
    expect(page.sum('http_server_request_duration_seconds_sum', ok)).toBeCloseTo(0.043, 6);
    expect(page.sum('http_server_errors_total', ok)).toBe(0);
    expect(page.sum('http_server_errors_total', { route: '/v1/users/:id', status_class: '4xx' })).toBe(1);
    expect(page.sum('http_server_errors_total', { method: 'POST', route: '/v1/orders', status_class: '5xx' })).toBe(1);
    expect(page.sum('http_server_requests_total', { method: 'OTHER', route: 'unmatched', status_class: 'aborted' })).toBe(1);
    expect(page.families.get('http_server_request_duration_seconds')?.type).toBe('histogram');
  });

  it('when two service instances live in one process, then each has its own registry and counts only its own', async () => {
    const first = new ServiceMetrics();
    const second = new ServiceMetrics();

    first.http.observe({ method: 'GET', route: '/healthz', status: 200, durationMs: 1 });
    const [a, b] = [await scrape(first), await scrape(second)];

    expect(a.sum('http_server_requests_total')).toBe(1);
    expect(b.sum('http_server_requests_total')).toBe(0);
  });

  it('when sources are watched, then pool, caches, breaker, schedules and streams are read at scrape time', async () => {
    const metrics = new ServiceMetrics();
    let hitsLocal = 1;
    let breaker: 'closed' | 'open' | 'half_open' = 'closed';
    metrics.database.watchPool('main', () => ({ totalCount: 4, idleCount: 3, waitingCount: 0 }));
    metrics.caches.watch('products', () => cacheCounts(hitsLocal));
    metrics.resilience.watchBreaker('payment-gateway', () => breaker);
    metrics.schedules.watch(() => [
      { name: 'purge-sessions', runs: 5, failed: 1, timedOut: 1, skipped: { running: 2, locked: 0, alreadyRun: 3, missed: 0, unavailable: 0 }, running: undefined },
    ]);
    metrics.streams.watch(() => ({ subscribers: 3, users: 2, bufferedEvents: 9 }));

    const before = await scrape(metrics);
    hitsLocal = 10;
    breaker = 'open';
    const after = await scrape(metrics);

    expect(before.sum('db_pool_connections', { pool: 'main' })).toBe(4);
    expect(before.sum('db_pool_idle_connections', { pool: 'main' })).toBe(3);
    expect(before.sum('db_pool_waiting_requests', { pool: 'main' })).toBe(0);
    expect(before.sum('cache_hits_total', { cache: 'products', level: 'local' })).toBe(1);
    expect(after.sum('cache_hits_total', { cache: 'products', level: 'local' })).toBe(10);
    expect(after.sum('cache_hits_total', { cache: 'products', level: 'redis' })).toBe(2);
    expect(after.sum('cache_misses_total', { cache: 'products' })).toBe(3);
    expect(after.families.get('cache_hits_total')?.type).toBe('counter');
    expect(before.sum('circuit_breaker_state', { breaker: 'payment-gateway', state: 'closed' })).toBe(1);
    expect(after.sum('circuit_breaker_state', { breaker: 'payment-gateway', state: 'closed' })).toBe(0);
    expect(after.sum('circuit_breaker_state', { breaker: 'payment-gateway', state: 'open' })).toBe(1);
    expect(after.sum('schedule_runs_total', { schedule: 'purge-sessions' })).toBe(5);
    expect(after.sum('schedule_failures_total', { schedule: 'purge-sessions' })).toBe(1);
    expect(after.sum('schedule_timeouts_total', { schedule: 'purge-sessions' })).toBe(1);
    expect(after.sum('schedule_skips_total', { schedule: 'purge-sessions', reason: 'alreadyRun' })).toBe(3);
    expect(after.sum('schedule_skips_total', { schedule: 'purge-sessions' })).toBe(5);
    expect(after.sum('sse_subscribers')).toBe(3);
  });

  it('when adapters report events, then queries, breaker transitions, rejections, retries and jobs are counted', async () => {
    const metrics = new ServiceMetrics();

    metrics.database.observeQuery('select users', 0.4, false);
    metrics.database.observeQuery('select users', 12, true);
    metrics.resilience.breakerTransition('payment-gateway', 'closed', 'open');
    metrics.resilience.bulkheadRejected('payment-gateway');
    metrics.resilience.rateLimited('api', 'local');
    metrics.resilience.rateLimited('payment-gateway', 'remote');
    metrics.resilience.retried('payment-gateway', 'authorize');
    metrics.jobs.jobFinished('order-confirmation', 'completed', 20);
    metrics.jobs.jobFinished('order-confirmation', 'failed', 5);
    metrics.jobs.jobFinished('order-confirmation', 'dead', 5);
    const page = await scrape(metrics);

    expect(page.sum('db_query_duration_seconds_count', { query: 'select users' })).toBe(2);
    expect(page.sum('db_query_errors_total', { query: 'select users' })).toBe(1);
    expect(page.sum('circuit_breaker_transitions_total', { breaker: 'payment-gateway', from: 'closed', to: 'open' })).toBe(1);
    expect(page.sum('bulkhead_rejections_total', { bulkhead: 'payment-gateway' })).toBe(1);
    expect(page.sum('rate_limited_total', { limiter: 'api', source: 'local' })).toBe(1);
    expect(page.sum('rate_limited_total', { limiter: 'payment-gateway', source: 'remote' })).toBe(1);
    expect(page.sum('outbound_retries_total', { target: 'payment-gateway', operation: 'authorize' })).toBe(1);
    expect(page.sum('job_processing_duration_seconds_count', { queue: 'order-confirmation' })).toBe(3);
    expect(page.sum('job_failures_total', { queue: 'order-confirmation' })).toBe(2);
    expect(page.sum('job_dead_letters_total', { queue: 'order-confirmation' })).toBe(1);
  });

  it('when queue depths are scraped in a burst, then the source is read once; a source slower than the timeout is left out of the scrape', async () => {
    const errors: string[] = [];
    const metrics = new ServiceMetrics({ onSourceError: (metric) => errors.push(metric) });
    let reads = 0;
    metrics.jobs.watchDepths({
      read: () => {
        reads += 1;
        return Promise.resolve([{ queue: 'order-confirmation', counts: { created: 2, active: 1, dead: 4 } }]);
      },
      maxAgeMs: 60_000,
      timeoutMs: 1_000,
    });

    const pages = await Promise.all([scrape(metrics), scrape(metrics), scrape(metrics)]);

    expect(reads).toBe(1);
    for (const page of pages) expect(page.sum('job_queue_depth', { queue: 'order-confirmation', state: 'dead' })).toBe(4);

    const hanging = new ServiceMetrics({ onSourceError: (metric) => errors.push(metric) });
    hanging.jobs.watchDepths({ read: () => new Promise(() => undefined), maxAgeMs: 60_000, timeoutMs: 20 });
    const page = await scrape(hanging);
    expect(page.select('job_queue_depth')).toEqual([]);
    expect(errors).toEqual(['job_queue_depth']);
  });

  it('when a source throws, then its series are left out, the error is reported and the rest of the scrape is served', async () => {
    const errors: [string, unknown][] = [];
    const metrics = new ServiceMetrics({ onSourceError: (metric, error) => errors.push([metric, error]) });
    metrics.caches.watch('users', () => {
      throw new Error('closed');
    });
    metrics.http.observe({ method: 'GET', route: '/healthz', status: 200, durationMs: 1 });

    const page = await scrape(metrics);

    expect(page.select('cache_hits_total')).toEqual([]);
    expect(page.sum('http_server_requests_total')).toBe(1);
    expect(errors.map(([metric]) => metric)).toContain('cache_hits_total');
  });

  it('when scraped, then the Node runtime is there: event-loop delay and utilisation, heap, GC and handles', async () => {
    const page = await scrape(new ServiceMetrics());

    const utilisation = page.sum('nodejs_eventloop_utilization_ratio');
    expect(utilisation).toBeGreaterThanOrEqual(0);
    expect(utilisation).toBeLessThanOrEqual(1);
    expect(page.select('nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect(page.sum('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(page.families.get('nodejs_gc_duration_seconds')?.type).toBe('histogram');
    expect(page.families.has('nodejs_active_handles_total')).toBe(true);
    expect(page.families.has('process_resident_memory_bytes')).toBe(true);
  });
});
