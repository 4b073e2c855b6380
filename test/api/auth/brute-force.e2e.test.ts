import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

async function failedLogin(app: TestApp, email: string) {
  return app.api.POST('/v1/auth/login', { body: { email, password: 'wrong password!' } });
}

describe('brute force on one instance', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_AUTH_PER_WINDOW: '5', RATE_LIMIT_WINDOW_MS: '60000' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('when one address keeps failing to sign in, then after the limit it gets 429 with Retry-After and RateLimit headers', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push((await failedLogin(app, 'victim@example.com')).response.status);

    const { error, response } = await failedLogin(app, 'victim@example.com');

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(response.status).toBe(429);
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('ratelimit')).toMatch(/r=0/);
    expect(response.headers.get('ratelimit-policy')).toMatch(/q=5/);
  });

  it('when sign-ins are limited, then registration from that address is limited too but reads are not', async () => {
    const register = await app.api.POST('/v1/auth/register', { body: { name: 'Late', email: 'late@example.com', password: 'a long enough password' } });
    const read = await app.api.GET('/v1/products');

    expect(register.response.status).toBe(429);
    expect(read.response.status).toBe(200);
  });
});

describe.runIf(inject('redisUrl'))('brute force across two instances sharing Redis', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = { database, redis: true, redisPrefix: `test-${randomBytes(4).toString('hex')}:` };
    a = await startTestApp({ RATE_LIMIT_AUTH_PER_WINDOW: '6' }, shared);
    b = await startTestApp({ RATE_LIMIT_AUTH_PER_WINDOW: '6' }, shared);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('when attempts alternate between instances, then the limit holds for the sum', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) statuses.push((await failedLogin(attempt % 2 === 0 ? a : b, 'victim@example.com')).response.status);

    const onA = await failedLogin(a, 'victim@example.com');
    const onB = await failedLogin(b, 'victim@example.com');

    expect(statuses).toEqual(Array(6).fill(401));
    expect(onA.response.status).toBe(429);
    expect(onB.response.status).toBe(429);
  });
});
