import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SignedIn, TestApp } from '../../support/test-app.ts';
import { asOrder, asProblem, createProduct, listAllOrders, placeOrder, reservedInDb, startOrdersWorld, uniqueKey, type OrdersWorld } from '../../support/orders-api.ts';

// The authorization is held long enough to cut the database while it is in flight;
// pending orders older than 5 s are recovered (longer than any request here).
const AUTHORIZATION_LATENCY_MS = 1_500;

let world: OrdersWorld;
let app: TestApp;
let admin: SignedIn;
let customer: SignedIn;

beforeAll(async () => {
  world = await startOrdersWorld({
    PAYMENT_ATTEMPT_TIMEOUT_MS: '3000',
    HTTP_REQUEST_BUDGET_MS: '4000',
    ORDER_SETTLE_TIMEOUT_MS: '1000',
    ORDER_RECOVER_AFTER_MS: '5000',
  });
  app = world.app;
  admin = await app.admin();
  customer = await app.customer();
});

afterAll(async () => {
  await world?.stop();
});

/** Runs SQL on the server's maintenance database, outside the database the service uses. */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the database failing in the middle of a placement', () => {
  it('when PostgreSQL goes away while the card is being authorized, then 503 says the order may exist and to repeat with the key, and the repeat learns it was paid', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ latency_ms: { min: AUTHORIZATION_LATENCY_MS, max: AUTHORIZATION_LATENCY_MS }, scope: 'authorize' });
    const key = uniqueKey();

    const placing = placeOrder(customer.api, { lines: [product.id], key });
    await expect.poll(async () => (await reservedInDb(app, product.id)) === 1 && (await world.gateway.stats()).requests >= 1, { timeout: 5_000, interval: 50 }).toBe(true);
    await onServer(`ALTER DATABASE ${app.database.name} ALLOW_CONNECTIONS false`);
    await onServer(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${app.database.name}'`);
    const answer = await placing;
    await onServer(`ALTER DATABASE ${app.database.name} ALLOW_CONNECTIONS true`);

    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(asProblem(answer)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', order_may_exist: true });
    expect(asProblem(answer).detail).toContain('the order may exist: repeat the request with the same idempotency key to learn what became of it');

    // Recovery completes the authorized order; a repeat with the key is told so, and no second order is placed.
    await world.gateway.clearFaults();
    await expect.poll(async () => (await placeOrder(customer.api, { lines: [product.id], key })).status, { timeout: 20_000, interval: 250 }).toBe(201);
    const repeated = await placeOrder(customer.api, { lines: [product.id], key });
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    expect(asOrder(repeated)).toMatchObject({ status: 'paid' });
    expect(await listAllOrders(customer.api)).toEqual([expect.objectContaining({ id: asOrder(repeated).id, status: 'paid' })]);
    expect((await world.gateway.stats()).authorizations).toBe(1);
  }, 40_000);
});
