import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../../cmd/server/jobs.ts';
import { PgBossJobQueue } from '../../../internal/adapter/jobs/pg-boss-job-queue.ts';
import { ORDER_CONFIRMATION } from '../../../internal/app/jobs/order-confirmation.job.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { freePort } from '../../support/free-port.ts';
import { createProduct, placeOrder, startOrdersWorld, type OrdersWorld } from '../../support/orders-api.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';
import { testContext } from '../../support/test-context.ts';
import { parseExposition, type Exposition } from './prometheus-text.ts';

/** `GET /metrics` on `baseUrl`, parsed. */
async function scrape(baseUrl: string): Promise<Exposition> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

describe('GET /metrics on the main port', () => {
  let world: OrdersWorld;
  let app: TestApp;
  let admin: SignedIn;
  let customer: SignedIn;

  beforeAll(async () => {
    world = await startOrdersWorld({
      // Failing payments end fast; the breaker, once open, stays open for the rest of the file.
      PAYMENT_ATTEMPT_TIMEOUT_MS: '300',
      PAYMENT_MAX_ATTEMPTS: '2',
      PAYMENT_MAX_RETRY_TIME_MS: '1000',
      PAYMENT_BREAKER_RESET_MS: '60000',
      HTTP_REQUEST_BUDGET_MS: '3000',
      ORDER_SETTLE_TIMEOUT_MS: '1000',
      ORDER_RECOVER_AFTER_MS: '3600000',
      // A failing job is dead-lettered at its first failure.
      JOBS_RETRY_LIMIT: '0',
      JOBS_POLL_INTERVAL_MS: '500',
    });
    app = world.app;
    admin = await app.admin();
    customer = await app.customer();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('when requests are served, then their counts and durations move per route template, never per id, and scrapes are not counted', async () => {
    const product = await createProduct(admin);
    const before = await scrape(app.baseUrl);

    for (let i = 0; i < 3; i += 1) expect((await app.api.GET('/v1/products/{id}', { params: { path: { id: product.id } } })).response.status).toBe(200);
    expect((await app.api.GET('/v1/products/{id}', { params: { path: { id: randomUUID() } } })).response.status).toBe(404);
    // Rejected by the contract's validation before any handler: still the route's template.
    expect((await fetch(`${app.baseUrl}/v1/products/not-an-id`)).status).toBe(400);
    expect((await fetch(`${app.baseUrl}/no/such/route/${randomUUID()}`)).status).toBe(404);
    const contracted = await app.api.GET('/metrics', { parseAs: 'text' });
    const after = parseExposition(contracted.data!);

    const read = { method: 'GET', route: '/v1/products/:id' };
    expect(after.sum('http_server_requests_total', { ...read, status_class: '2xx' }) - before.sum('http_server_requests_total', { ...read, status_class: '2xx' })).toBe(3);
    expect(after.sum('http_server_request_duration_seconds_count', { ...read, status_class: '2xx' }) - before.sum('http_server_request_duration_seconds_count', { ...read, status_class: '2xx' })).toBe(3);
    expect(after.sum('http_server_errors_total', { ...read, status_class: '4xx' }) - before.sum('http_server_errors_total', { ...read, status_class: '4xx' })).toBe(2);
    expect(after.sum('http_server_requests_total', { route: 'unmatched', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    const routes = new Set(after.select('http_server_requests_total').map((sample) => sample.labels.route));
    expect([...routes].filter((route) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(route ?? ''))).toEqual([]);
    expect(routes.has('/metrics')).toBe(false);
    expect(after.sum('db_pool_connections', { pool: 'main' })).toBeGreaterThan(0);
    expect(after.sum('db_query_duration_seconds_count', { query: 'select products' })).toBeGreaterThan(before.sum('db_query_duration_seconds_count', { query: 'select products' }));
    expect(after.sum('schedule_runs_total', { schedule: 'recover-pending-orders' })).toBeGreaterThanOrEqual(1);
    expect(after.select('sse_subscribers')).toHaveLength(1);
    expect(after.sum('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('when a product is read twice, then the products cache counts a hit', async () => {
    const product = await createProduct(admin);
    const read = () => app.api.GET('/v1/products/{id}', { params: { path: { id: product.id } } });
    await read();
    const before = await scrape(app.baseUrl);

    const second = await read();

    expect(second.response.headers.get('x-cache')).toBe('hit');
    const after = await scrape(app.baseUrl);
    expect(after.sum('cache_hits_total', { cache: 'products' }) - before.sum('cache_hits_total', { cache: 'products' })).toBe(1);
  });

  it('when a job fails, then its queue counts a failure and a dead letter, and the dead letters show in the queue depth', async () => {
    const producer = new PgBossJobQueue({
      connectionString: app.database.url,
      poolMax: 1,
      db: app.database.db,
      jobTypes: JOB_TYPES,
      retry: { limit: 0, delaySeconds: 0, backoff: false, delayMaxSeconds: 60 },
      expireSeconds: 60,
      deadRetentionSeconds: 3_600,
      logger: createLogger({ level: 'silent' }),
    });
    await producer.start();
    const queue = { queue: ORDER_CONFIRMATION.type };
    const before = await scrape(app.baseUrl);
    try {
      // The order does not exist: the confirmation fails.
      await producer.enqueue(testContext(), { type: ORDER_CONFIRMATION.type, payload: { orderId: randomUUID() } });

      await expect
        .poll(async () => (await scrape(app.baseUrl)).sum('job_dead_letters_total', queue), { timeout: 20_000, interval: 250 })
        .toBe(before.sum('job_dead_letters_total', queue) + 1);
      const after = await scrape(app.baseUrl);
      expect(after.sum('job_failures_total', queue) - before.sum('job_failures_total', queue)).toBe(1);
      expect(after.sum('job_processing_duration_seconds_count', { ...queue, outcome: 'dead' })).toBeGreaterThanOrEqual(1);
      // Depths are read at most every few seconds.
      await expect.poll(async () => (await scrape(app.baseUrl)).sum('job_queue_depth', { ...queue, state: 'dead' }), { timeout: 10_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    } finally {
      await producer.stop(1_000);
    }
  });

  // Last: the breaker stays open.
  it('when the payment gateway keeps failing, then retries are counted and the breaker shows open with its transition', async () => {
    const product = await createProduct(admin, { stock: 100 });
    const breaker = { breaker: 'payment-gateway' };
    const before = await scrape(app.baseUrl);
    expect(before.sum('circuit_breaker_state', { ...breaker, state: 'closed' })).toBe(1);
    await world.gateway.setFaults({ error_rate: 1 });

    let after = before;
    for (let i = 0; i < 30 && after.sum('circuit_breaker_state', { ...breaker, state: 'open' }) === 0; i += 1) {
      await placeOrder(customer.api, { lines: [product.id] });
      after = await scrape(app.baseUrl);
    }

    expect(after.sum('circuit_breaker_state', { ...breaker, state: 'open' })).toBe(1);
    expect(after.sum('circuit_breaker_state', { ...breaker, state: 'closed' })).toBe(0);
    expect(after.sum('circuit_breaker_transitions_total', { ...breaker, from: 'closed', to: 'open' })).toBe(1);
    expect(after.sum('outbound_retries_total', { target: 'payment-gateway', operation: 'authorize' })).toBeGreaterThan(before.sum('outbound_retries_total', { target: 'payment-gateway' }));
    expect(after.sum('http_server_errors_total', { route: '/v1/orders', status_class: '5xx' }) + after.sum('http_server_requests_total', { route: '/v1/orders', status_class: '2xx' })).toBeGreaterThan(0);
  });
});

describe('metrics beside a tiny API rate limit, and on a port of their own', () => {
  let limited: TestApp;
  let separate: TestApp;
  let metricsPort: number;

  beforeAll(async () => {
    limited = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '2' });
    metricsPort = await freePort();
    // A second service in the same process, on the same database: each has its own registry.
    separate = await startTestApp({ METRICS_PORT: String(metricsPort) }, { database: limited.database });
  });

  afterAll(async () => {
    await separate?.stop();
    await limited?.stop();
  });

  it('when the API limit is used up, then /metrics still answers every scrape and counts the refused requests', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(`${limited.baseUrl}/v1/products?limit=1`)).status);
    expect(statuses).toEqual([200, 200, 429]);

    const pages = [];
    for (let i = 0; i < 5; i += 1) pages.push(await scrape(limited.baseUrl));

    expect(pages.at(-1)!.sum('rate_limited_total', { limiter: 'api', source: 'local' })).toBe(1);
    // Refused before routing: no route template is known yet.
    expect(pages.at(-1)!.sum('http_server_errors_total', { method: 'GET', route: 'unmatched', status_class: '4xx' })).toBe(1);
    expect(pages.at(-1)!.sum('http_server_requests_total', { route: '/v1/products', status_class: '2xx' })).toBe(2);
  });

  it('when METRICS_PORT is set, then the metrics are served there and not on the main port, and count the main port\'s requests', async () => {
    expect(separate.service.metricsPort).toBe(metricsPort);
    await separate.api.GET('/healthz');

    const mainPort = await separate.api.GET('/metrics', { parseAs: 'text' });
    const own = await scrape(`http://127.0.0.1:${metricsPort}`);

    expect(mainPort.response.status).toBe(404);
    expect(own.sum('http_server_requests_total', { method: 'GET', route: '/healthz', status_class: '2xx' })).toBe(1);
    // The main port's /metrics is a refused request like any other; scrapes of the own port are not requests at all.
    expect(own.sum('http_server_requests_total', { route: '/metrics', status_class: '4xx' })).toBe(1);
    expect(own.sum('http_server_requests_total', { route: '/metrics', status_class: '2xx' })).toBe(0);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    // The other service in this process counted none of these.
    expect((await scrape(limited.baseUrl)).sum('http_server_requests_total', { route: '/healthz' })).toBe(0);
  });
});
