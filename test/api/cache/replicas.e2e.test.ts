import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertColdProduct } from '../../support/products.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// Statements are parameterized, so a read of one product is any select from products.
const productReads = (queries: string[]) => queries.filter((sql) => sql.startsWith('select') && sql.includes('from "products"')).length;

describe.runIf(inject('redisUrl'))('two replicas over one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const queriesA: string[] = [];
  const queriesB: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = { database, redis: true, redisPrefix: `test-${randomBytes(4).toString('hex')}:` };
    a = await startTestApp({}, { ...shared, onQuery: (sql) => queriesA.push(sql) });
    b = await startTestApp({}, { ...shared, onQuery: (sql) => queriesB.push(sql) });
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('when 200 clients read a cold product at once on each replica, then each replica queries PostgreSQL at most once', async () => {
    const id = await insertColdProduct(database);
    queriesA.length = 0;
    queriesB.length = 0;

    const responses = await Promise.all(
      [a, b].flatMap((app) => Array.from({ length: 200 }, () => fetch(`${app.baseUrl}/v1/products/${id}`))),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(400).fill(200));
    expect(productReads(queriesA)).toBeLessThanOrEqual(1);
    expect(productReads(queriesB)).toBeLessThanOrEqual(1);
    expect(productReads(queriesA) + productReads(queriesB)).toBeGreaterThanOrEqual(1);
  });

  it('when a product changes through one replica, then the other serves the change within a second', async () => {
    const admin = await a.admin();
    const id = await insertColdProduct(database, { name: 'Before' });
    await b.api.GET('/v1/products/{id}', { params: { path: { id } } });
    const cached = await b.api.GET('/v1/products/{id}', { params: { path: { id } } });
    expect(cached.response.headers.get('x-cache')).toBe('hit');

    const { response } = await admin.api.PATCH('/v1/products/{id}', {
      params: { path: { id }, header: { 'If-Match': cached.response.headers.get('etag')! } },
      body: { name: 'After' },
    });
    expect(response.status).toBe(200);
    const changedAt = performance.now();
    let name = cached.data!.name;
    while (name !== 'After' && performance.now() - changedAt < 5_000) {
      name = (await b.api.GET('/v1/products/{id}', { params: { path: { id } } })).data!.name;
    }

    expect(name).toBe('After');
    expect(performance.now() - changedAt).toBeLessThan(1_000);
  });

  it('when a user changes their name through one replica, then the other serves the change within a second', async () => {
    const customer = await a.customer();
    const onB = b.clientWithToken(customer.token);
    const first = await onB.GET('/v1/users/{id}', { params: { path: { id: customer.user.id } } });

    await customer.api.PATCH('/v1/users/{id}', {
      params: { path: { id: customer.user.id }, header: { 'If-Match': first.response.headers.get('etag')! } },
      body: { name: 'Renamed' },
    });
    const changedAt = performance.now();
    let name = first.data!.name;
    while (name !== 'Renamed' && performance.now() - changedAt < 5_000) {
      name = (await onB.GET('/v1/users/{id}', { params: { path: { id: customer.user.id } } })).data!.name;
    }

    expect(name).toBe('Renamed');
    expect(performance.now() - changedAt).toBeLessThan(1_000);
  });
});
