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

describe.each<[string, boolean]>([
  ['sharing PostgreSQL', false],
  ...(inject('redisUrl') ? [['sharing Redis', true] as [string, boolean]] : []),
])('per-account sign-in limit across two instances %s', (_, withRedis) => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const victim = { email: 'victim.account@example.com', password: 'the victim knows this one' };

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = { database, redis: withRedis, redisPrefix: `test-${randomBytes(4).toString('hex')}:` };
    // Many addresses' worth of attempts: the per-address limit never speaks here.
    const env = { RATE_LIMIT_AUTH_PER_WINDOW: '1000', SIGN_IN_FREE_ATTEMPTS: '4', SIGN_IN_DELAY_BASE_MS: '60000', SIGN_IN_DELAY_MAX_MS: '120000' };
    a = await startTestApp(env, shared);
    b = await startTestApp(env, shared);
    expect((await a.api.POST('/v1/auth/register', { body: { name: 'Victim', ...victim } })).response.status).toBe(201);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('when wrong passwords alternate between instances, then past the free attempts even the right password waits, on both, with Retry-After; other accounts do not', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push((await failedLogin(attempt % 2 === 0 ? a : b, victim.email)).response.status);

    const onA = await a.api.POST('/v1/auth/login', { body: victim });
    const onB = await b.api.POST('/v1/auth/login', { body: victim });
    const other = await b.customer();

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const refused of [onA, onB]) {
      expect(refused.response.status).toBe(429);
      expect(refused.error).toMatchObject({ code: 'SIGN_IN_THROTTLED', status: 429 });
      expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(Number(refused.response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    expect(other.token).toEqual(expect.any(String));
  });
});

describe('per-account sign-in limit: nobody is locked out for longer than the cap', () => {
  let app: TestApp;
  const owner = { email: 'owner@example.com', password: 'the owner knows this one' };

  beforeAll(async () => {
    app = await startTestApp({ SIGN_IN_FREE_ATTEMPTS: '2', SIGN_IN_DELAY_BASE_MS: '100', SIGN_IN_DELAY_MAX_MS: '400' });
    await app.api.POST('/v1/auth/register', { body: { name: 'Owner', ...owner } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('when an attacker keeps failing, then every wait stays within the cap and the owner signs in once the attacks stop', async () => {
    const retryAfters: number[] = [];
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const { response } = await failedLogin(app, owner.email);
      if (response.status === 429) retryAfters.push(Number(response.headers.get('retry-after')));
    }
    const deadline = Date.now() + 5_000;
    let status = 0;

    while (status !== 200 && Date.now() < deadline) status = (await app.api.POST('/v1/auth/login', { body: owner })).response.status;

    expect(retryAfters.length).toBeGreaterThan(0);
    expect(Math.max(...retryAfters)).toBe(1);
    expect(status).toBe(200);
  });
});
