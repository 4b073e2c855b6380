import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../../internal/transport/http/api-schema.d.ts';
import { asOrder, asProblem, createProduct, getOrder, placeOrder, startOrdersWorld, uniqueKey, type OrdersWorld } from '../../support/orders-api.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

type Flag = components['schemas']['Flag'];

/** How long a change on one instance may take to apply on another (NOTIFY; the periodic refresh is 30 s, so it cannot be what passes). */
const PROPAGATION_BOUND_MS = 2_000;

let world: OrdersWorld;
let a: TestApp;
let b: TestApp;
let adminA: SignedIn;
let adminB: SignedIn;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  world = await startOrdersWorld({}, { logger });
  a = world.app;
  b = await startTestApp({ PAYMENT_GATEWAY_URL: world.sandbox.url }, { database: a.database });
  [adminA, adminB] = await Promise.all([a.admin(), b.admin()]);
});

afterAll(async () => {
  await b?.stop();
  await world?.stop();
});

// Every test starts from the defaults, on both instances.
afterEach(async () => {
  await setFlag(adminA, 'orders.placement.paused', false, null);
  await setFlag(adminA, 'release.canary', true, 0);
  await setFlag(adminA, 'cache.bypass', false, null);
  await Promise.all([
    until(b, adminB, 'orders.placement.paused', (flag) => !flag.enabled),
    until(b, adminB, 'release.canary', (flag) => flag.enabled && flag.rollout_percent === 0),
    until(b, adminB, 'cache.bypass', (flag) => !flag.enabled),
  ]);
});

async function setFlag(admin: SignedIn, key: string, enabled: boolean, rolloutPercent: number | null, ifMatch = '*') {
  const { data, error, response } = await admin.api.PUT('/v1/admin/flags/{key}', {
    params: { path: { key }, header: { 'If-Match': ifMatch } },
    body: { enabled, rollout_percent: rolloutPercent },
  });
  return { status: response.status, flag: data, problem: error, etag: response.headers.get('etag') };
}

async function readFlag(admin: SignedIn, key: string): Promise<Flag> {
  const { data, response } = await admin.api.GET('/v1/admin/flags/{key}', { params: { path: { key } } });
  if (!data) throw new Error(`reading flag ${key} failed with ${response.status}`);
  return data;
}

/** Polls `app` until the flag satisfies `done`; returns how long it took. Fails after the propagation bound. */
async function until(app: TestApp, admin: SignedIn, key: string, done: (flag: Flag) => boolean): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    const flag = await readFlag(admin, key);
    if (done(flag)) return performance.now() - startedAt;
    if (performance.now() - startedAt > PROPAGATION_BOUND_MS) throw new Error(`flag ${key} on ${app.baseUrl} did not change within ${PROPAGATION_BOUND_MS} ms: ${JSON.stringify(flag)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function ordersInDb(app: TestApp): Promise<number> {
  const { rows } = await app.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM orders');
  return Number(rows[0]!.n);
}

/** POST /v1/orders with extra headers (the release channel), contract-checked. */
async function placeWith(app: TestApp, token: string, productId: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': uniqueKey(), ...headers },
    body: JSON.stringify({ lines: [{ product_id: productId, quantity: 2 }], payment: { card_token: 'tok_approved' } }),
  });
  await app.contract.check('/v1/orders', 'POST', response);
  return { status: response.status, channel: response.headers.get('x-release-channel'), body: (await response.json()) as components['schemas']['Order'] };
}

describe('the flags admin API', () => {
  it('when nothing was stored, then every flag is listed with its default at version 0', async () => {
    const { data } = await adminA.api.GET('/v1/admin/flags');
    const keys = data!.items.map((flag) => flag.key);
    expect(keys).toEqual(expect.arrayContaining(['orders.placement.paused', 'cache.bypass', 'release.canary', 'jobs.order-confirmation.paused', 'jobs.order-recovery.paused']));
    expect(data!.items.find((flag) => flag.key === 'jobs.order-confirmation.paused')).toMatchObject({ enabled: false, rollout_percent: null, version: 0, updated_by: null, updated_at: null });
  });

  it('when an admin sets a flag, then the change is recorded with who and when, and If-Match guards it (428 without, 412 when stale)', async () => {
    const before = await readFlag(adminA, 'cache.bypass');
    const { response: missing } = await adminA.api.PUT('/v1/admin/flags/{key}', { params: { path: { key: 'cache.bypass' } }, body: { enabled: true, rollout_percent: null } });
    expect(missing.status).toBe(428);

    const set = await setFlag(adminA, 'cache.bypass', true, null, `"${before.version}"`);
    expect(set.status).toBe(200);
    expect(set.flag).toMatchObject({ key: 'cache.bypass', enabled: true, version: before.version + 1, updated_by: adminA.user.id });
    expect(set.etag).toBe(`"${before.version + 1}"`);
    expect(await setFlag(adminA, 'cache.bypass', false, null, `"${before.version}"`)).toMatchObject({ status: 412, problem: { code: 'PRECONDITION_FAILED' } });

    const { rows } = await a.database.pool.query('SELECT enabled, changed_by, changed_at FROM feature_flag_changes WHERE flag_key = $1 AND version = $2', ['cache.bypass', before.version + 1]);
    expect(rows).toEqual([{ enabled: true, changed_by: adminA.user.id, changed_at: expect.any(Date) }]);
  });

  it.each([
    [{ enabled: true, rollout_percent: 150 }, '/body/rollout_percent'],
    [{ enabled: true, rollout_percent: 10.001 }, '/body/rollout_percent'],
    [{ enabled: 'yes', rollout_percent: null }, '/body/enabled'],
    [{ enabled: true }, '/body/rollout_percent'],
  ])('when the body is %o, then it is 400 naming %s and nothing changes', async (body, pointer) => {
    const before = await readFlag(adminA, 'release.canary');
    const response = await fetch(`${a.baseUrl}/v1/admin/flags/release.canary`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminA.token}`, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify(body),
    });
    await a.contract.check('/v1/admin/flags/{key}', 'PUT', response);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as components['schemas']['Problem'];
    expect(problem.errors?.map((error) => error.pointer)).toContain(pointer);
    expect(await readFlag(adminA, 'release.canary')).toEqual(before);
  });

  it('when the key is not a flag of the service, then reading and setting it are 404', async () => {
    const { response: read, error } = await adminA.api.GET('/v1/admin/flags/{key}', { params: { path: { key: 'no.such.flag' } } });
    expect(read.status).toBe(404);
    expect(error).toMatchObject({ code: 'FLAG_NOT_FOUND' });
    expect((await setFlag(adminA, 'no.such.flag', true, null)).status).toBe(404);
  });
});

describe('the order kill switch across replicas', () => {
  it('when an admin pauses orders on instance A, then instance B refuses new orders within the bound while reads and existing orders work, and resuming needs no restart', async () => {
    const product = await createProduct(adminA, { stock: 20 });
    const customer = await b.customer();
    const existing = asOrder(await placeOrder(customer.api, { lines: [product.id] }));
    expect(existing.status).toBe('paid');

    expect((await setFlag(adminA, 'orders.placement.paused', true, null)).status).toBe(200);
    const tookMs = await until(b, adminB, 'orders.placement.paused', (flag) => flag.enabled);
    expect(tookMs).toBeLessThan(PROPAGATION_BOUND_MS);

    const countBefore = await ordersInDb(b);
    const key = uniqueKey();
    for (const app of [a, b]) {
      const refused = await placeOrder(app.clientWithToken(customer.token), { lines: [product.id], key });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(asProblem(refused)).toMatchObject({ code: 'FEATURE_SWITCHED_OFF', detail: expect.stringContaining('not accepted') });
    }
    expect(await ordersInDb(b)).toBe(countBefore);
    expect(await getOrder(customer.api, existing.id)).toMatchObject({ id: existing.id, status: 'paid' });
    const { data: page } = await customer.api.GET('/v1/orders', { params: { query: { limit: 10 } } });
    expect(page!.items.map((order) => order.id)).toContain(existing.id);
    const { response: cancelled } = await customer.api.POST('/v1/orders/{id}/cancel', { params: { path: { id: existing.id } } });
    expect(cancelled.status).toBe(200);

    expect((await setFlag(adminB, 'orders.placement.paused', false, null)).status).toBe(200);
    await until(a, adminA, 'orders.placement.paused', (flag) => !flag.enabled);
    // The refused request's key was never used: the same key now places the order.
    const accepted = await placeOrder(a.clientWithToken(customer.token), { lines: [product.id], key });
    expect(accepted.status).toBe(201);
  });
});

describe('gray release', () => {
  // 2 × 75.00 = 150.00 reaches the 100.00 threshold: the canary takes 10 % off.
  const STABLE_TOTAL = 15_000;
  const CANARY_TOTAL = 13_500;

  it('when an admin asks for the canary by header, then the canary variant prices the order and the response says so', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });

    const canary = await placeWith(a, adminA.token, product.id, { 'x-release-channel': 'canary' });
    const stable = await placeWith(a, adminA.token, product.id);

    expect(canary).toMatchObject({ status: 201, channel: 'canary', body: { total: { amount: CANARY_TOTAL } } });
    expect(stable).toMatchObject({ status: 201, channel: 'stable', body: { total: { amount: STABLE_TOTAL } } });
  });

  it('when a customer asks for the canary by header, then the header is ignored and stable serves', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });
    const customer = await a.customer();

    const answer = await placeWith(a, customer.token, product.id, { 'x-release-channel': 'canary' });

    expect(answer).toMatchObject({ status: 201, channel: 'stable', body: { total: { amount: STABLE_TOTAL } } });
  });

  it('when the canary rollout is at 100 %, then customers are in the canary cohort without any header', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });
    const customer = await b.customer();
    await setFlag(adminA, 'release.canary', true, 100);
    await until(b, adminB, 'release.canary', (flag) => flag.rollout_percent === 100);

    expect(await placeWith(b, customer.token, product.id)).toMatchObject({ status: 201, channel: 'canary', body: { total: { amount: CANARY_TOTAL } } });
  });

  it('when the canary flag is turned off, then everyone is served by stable at once, header or cohort', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });
    const customer = await a.customer();
    await setFlag(adminA, 'release.canary', true, 100);
    expect((await placeWith(a, customer.token, product.id)).channel).toBe('canary');

    await setFlag(adminA, 'release.canary', false, 100);

    expect(await placeWith(a, adminA.token, product.id, { 'x-release-channel': 'canary' })).toMatchObject({ channel: 'stable', body: { total: { amount: STABLE_TOTAL } } });
    expect(await placeWith(a, customer.token, product.id)).toMatchObject({ channel: 'stable', body: { total: { amount: STABLE_TOTAL } } });
    await until(b, adminB, 'release.canary', (flag) => !flag.enabled);
    expect((await placeWith(b, adminB.token, product.id, { 'x-release-channel': 'canary' })).channel).toBe('stable');
  });

  it('when a request is served, then its access log line carries the channel', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

    await placeWith(a, adminA.token, product.id, { 'x-release-channel': 'canary', traceparent: `00-${traceId}-00f067aa0ba902b7-01` });

    const deadline = performance.now() + 2_000;
    let line: Record<string, unknown> | undefined;
    while (!(line = logLines.find((candidate) => candidate.trace_id === traceId && typeof candidate.duration_ms === 'number'))) {
      if (performance.now() > deadline) throw new Error('no access log line');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(line).toMatchObject({ method: 'POST', route: '/v1/orders', status: 201, channel: 'canary' });
  });

  it('when a request is served, then the HTTP metrics count it under its channel', async () => {
    const product = await createProduct(adminA, { amount: 7_500, stock: 10 });
    await placeWith(a, adminA.token, product.id, { 'x-release-channel': 'canary' });

    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();

    expect(metrics).toMatch(/http_server_requests_total\{[^}]*route="\/v1\/orders"[^}]*channel="canary"[^}]*\} [1-9]/);
  });
});

describe('the cache kill switch', () => {
  it('when the cache is bypassed, then product reads go to the database (X-Cache: bypass) until it is switched back', async () => {
    const product = await createProduct(adminA);
    const read = async () => (await a.api.GET('/v1/products/{id}', { params: { path: { id: product.id } } })).response.headers.get('x-cache');
    await read();
    expect(await read()).toBe('hit');

    await setFlag(adminA, 'cache.bypass', true, null);
    expect([await read(), await read()]).toEqual(['bypass', 'bypass']);

    await setFlag(adminA, 'cache.bypass', false, null);
    expect(['hit', 'miss']).toContain(await read());
  });
});
