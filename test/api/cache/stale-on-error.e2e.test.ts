import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertColdProduct } from '../../support/products.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

let app: TestApp;

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  app = await startTestApp({ CACHE_TTL_MS: '50', CACHE_LOCAL_TTL_MS: '50', CACHE_STALE_WINDOW_MS: '600000', DB_CONNECTION_TIMEOUT_MS: '500' });
});

afterAll(async () => {
  await asAdmin(`ALTER DATABASE ${app.database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await app?.stop();
});

describe('stale on error', () => {
  it('when PostgreSQL fails after a product was read, then its last known value is served and marked stale', async () => {
    const id = await insertColdProduct(app.database, { name: 'Remembered' });
    const first = await app.api.GET('/v1/products/{id}', { params: { path: { id } } });
    expect(first.response.status).toBe(200);

    await asAdmin(`ALTER DATABASE ${app.database.name} ALLOW_CONNECTIONS false`);
    await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${app.database.name}' AND pid <> pg_backend_pid()`);
    const freshUntil = performance.now() + 100;
    while (performance.now() < freshUntil) await new Promise((resolve) => setImmediate(resolve));

    const stale = await app.api.GET('/v1/products/{id}', { params: { path: { id } } });
    const missing = await app.api.GET('/v1/products/{id}', { params: { path: { id: '0190f3a0-0000-7000-8000-0000000000ff' } } });

    expect(stale.response.status).toBe(200);
    expect(stale.data!.name).toBe('Remembered');
    expect(stale.response.headers.get('x-served-stale')).toBe('true');
    expect(missing.response.status).toBe(503);
  });
});
