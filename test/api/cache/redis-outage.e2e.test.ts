import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServerBinary, startRedisServer, type RedisServer } from '../../support/redis-server.ts';
import { insertColdProduct } from '../../support/products.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const canRun = await hasRedisServerBinary();

/** Polls `probe` until it returns true, within a bound; no fixed sleeps. */
async function eventually(probe: () => Promise<boolean>, withinMs = 15_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function readiness(app: TestApp) {
  const response = await fetch(`${app.baseUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, { status: string }> } };
}

describe.runIf(canRun)('Redis stops and comes back', () => {
  let redis: RedisServer;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await startTestApp({ REDIS_COMMAND_TIMEOUT_MS: '200' }, { redisUrl: redis.url });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('when Redis is down, then reads keep working, readiness names Redis, signed-in calls are served from the sessions’ PostgreSQL record, and all recovers when Redis returns', async () => {
    const id = await insertColdProduct(app.database);
    const customer = await app.customer();
    expect((await app.api.GET('/v1/products/{id}', { params: { path: { id } } })).response.status).toBe(200);

    await redis.stop();

    const read = await app.api.GET('/v1/products/{id}', { params: { path: { id } } });
    expect(read.response.status).toBe(200);
    expect(['hit', 'bypass']).toContain(read.response.headers.get('x-cache'));
    await eventually(async () => (await readiness(app)).body.checks.redis?.status === 'down');
    expect((await readiness(app)).status).toBe(200);
    expect((await customer.api.GET('/v1/auth/me')).response.status).toBe(200);
    const duringOutage = await app.customer();
    expect((await duringOutage.api.GET('/v1/auth/me')).response.status).toBe(200);

    await redis.start();

    await eventually(async () => (await readiness(app)).body.checks.redis?.status === 'up');
    await eventually(async () => (await app.api.GET('/v1/products/{id}', { params: { path: { id } } })).response.headers.get('x-cache') !== 'bypass');
    const again = await app.customer();
    expect((await again.api.GET('/v1/auth/me')).response.status).toBe(200);
    expect((await duringOutage.api.GET('/v1/auth/me')).response.status).toBe(200);
  });
});
