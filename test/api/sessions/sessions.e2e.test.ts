import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { hasRedisServerBinary, startRedisServer, type RedisServer } from '../../support/redis-server.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const canRun = await hasRedisServerBinary();

/** Awaits a condition with a bound (the change travels by NOTIFY: milliseconds, not a guessed sleep). */
async function within<T>(ms: number, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function createAdminCommand(databaseUrl: string, email: string, passwordFile: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cmd/create-admin/main.ts'), '--email', email, '--password-file', passwordFile], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout };
}

describe.runIf(canRun)('sessions with Redis as their cache and PostgreSQL as their record', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let folder: string;
  const prefix = `test-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    redis = await startRedisServer();
    database = await createTestDatabase();
    folder = await mkdtemp(join(tmpdir(), 'sessions-e2e-'));
    const shared = { database, redisUrl: redis.url, redisPrefix: prefix };
    a = await startTestApp({ REDIS_COMMAND_TIMEOUT_MS: '500' }, shared);
    b = await startTestApp({ REDIS_COMMAND_TIMEOUT_MS: '500' }, shared);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    await redis?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('when Redis restarts without persistence, then every signed-in customer stays signed in, on both replicas', async () => {
    const customers = await Promise.all([a.customer(), a.customer(), b.customer()]);
    for (const customer of customers) expect((await b.clientWithToken(customer.token).GET('/v1/auth/me')).response.status).toBe(200);

    await redis.stop();
    await redis.start();

    const after = await Promise.all(
      customers.map(async (customer) =>
        within(5_000, async () => (await a.clientWithToken(customer.token).GET('/v1/auth/me')).response.status, (status) => status === 200),
      ),
    );
    const onB = await Promise.all(customers.map(async (customer) => (await b.clientWithToken(customer.token).GET('/v1/auth/me')).response.status));
    expect(after).toEqual([200, 200, 200]);
    expect(onB).toEqual([200, 200, 200]);
  });

  it('when an admin changes roles on one replica, then the old token is refused at once on the other and /me there shows the new roles', async () => {
    const admin = await a.admin();
    const customer = await b.customer();
    expect((await b.clientWithToken(customer.token).GET('/v1/auth/me')).data?.roles).toEqual(['customer']);
    const { data: before, response } = await admin.api.GET('/v1/users/{id}', { params: { path: { id: customer.user.id } } });

    const patched = await admin.api.PATCH('/v1/users/{id}', {
      params: { path: { id: customer.user.id }, header: { 'If-Match': response.headers.get('etag')! } },
      body: { roles: ['admin', 'customer'] },
    });
    const old = await b.clientWithToken(customer.token).GET('/v1/auth/me');

    expect(before?.roles).toEqual(['customer']);
    expect(patched.response.status).toBe(200);
    expect(old.response.status).toBe(401);
  });

  it.each([
    ['without the service’s REDIS_URL', false],
    ['with the service’s REDIS_URL', true],
  ])('when create-admin promotes a signed-in customer %s, then the old token stops working on the replicas and /me shows the admin role', async (_, withRedis) => {
    const customer = await b.customer();
    const me = b.clientWithToken(customer.token);
    expect((await me.GET('/v1/auth/me')).data?.roles).toEqual(['customer']);
    expect((await a.clientWithToken(customer.token).GET('/v1/auth/me')).response.status).toBe(200);
    const file = join(folder, randomBytes(4).toString('hex'));
    await writeFile(file, 'the new admin passphrase\n', { mode: 0o600 });

    const run = await createAdminCommand(database.url, customer.user.email, file, withRedis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix } : {});
    const onB = await within(1_000, async () => (await me.GET('/v1/auth/me')).response.status, (status) => status === 401);
    const onA = (await a.clientWithToken(customer.token).GET('/v1/auth/me')).response.status;
    const promoted = await b.signIn(customer.user.email, 'the new admin passphrase');
    const roles = await within(1_000, async () => (await promoted.api.GET('/v1/auth/me')).data?.roles, (value) => value?.includes('admin') === true);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('their sessions were ended');
    expect(onB).toBe(401);
    expect(onA).toBe(401);
    expect(roles).toEqual(['admin', 'customer']);
  });
});
