import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresServer } from '../../internal/adapter/postgres/embedded-postgres-server.ts';
import { freePort } from '../support/free-port.ts';
import { hasRedisServerBinary, redisAnswers, startRedisServer } from '../support/redis-server.ts';
import { hasNatsServerBinary, natsAnswers, startNatsServer } from '../support/nats-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL; each test file creates its own database through it. */
    adminDatabaseUrl: string;
    /** A Redis for the tests; each test uses keys under a prefix of its own. */
    redisUrl: string;
    /** A NATS with JetStream; '' when none could be found or started (those tests skip). */
    natsUrl: string;
  }
}

/**
 * Uses TEST_DATABASE_URL when given, otherwise starts a throw-away embedded
 * PostgreSQL, so `npm test` needs nothing but Node and npm. Redis: TEST_REDIS_URL
 * when given, else a local one that answers, else a `redis-server` of our own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stopRedis = await provideRedis(project);
  const stopNats = await provideNats(project);
  const stopPostgres = await providePostgres(project);
  return async () => {
    await stopPostgres();
    await stopNats();
    await stopRedis();
  };
}

async function provideRedis(project: TestProject): Promise<() => Promise<void>> {
  for (const candidate of [process.env.TEST_REDIS_URL, 'redis://127.0.0.1:6379']) {
    if (candidate && (await redisAnswers(candidate))) {
      project.provide('redisUrl', candidate);
      return () => Promise.resolve();
    }
  }
  if (process.env.TEST_REDIS_URL) throw new Error(`TEST_REDIS_URL=${process.env.TEST_REDIS_URL} does not answer`);
  if (!(await hasRedisServerBinary())) {
    // A machine with only Node and npm still runs every other test.
    console.warn('no Redis reachable and no redis-server binary: the Redis adapter tests will not run');
    project.provide('redisUrl', '');
    return () => Promise.resolve();
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}

/** NATS: TEST_NATS_URL when given, else one answering on 127.0.0.1:4222, else a `nats-server -js` of our own. */
async function provideNats(project: TestProject): Promise<() => Promise<void>> {
  for (const candidate of [process.env.TEST_NATS_URL, 'nats://127.0.0.1:4222']) {
    if (candidate && (await natsAnswers(candidate))) {
      project.provide('natsUrl', candidate);
      return () => Promise.resolve();
    }
  }
  if (process.env.TEST_NATS_URL) throw new Error(`TEST_NATS_URL=${process.env.TEST_NATS_URL} does not answer`);
  if (!(await hasNatsServerBinary())) {
    console.warn('no NATS reachable and no nats-server binary: the JetStream tests will not run');
    project.provide('natsUrl', '');
    return () => Promise.resolve();
  }
  const server = await startNatsServer();
  project.provide('natsUrl', server.url);
  return () => server.remove();
}

const TEST_FOLDER_PREFIX = 'ordersvc-test-';

// A run that was killed (Ctrl-C twice, a CI timeout) could not stop its
// PostgreSQL; the next run stops and removes what such runs left behind.
async function sweepOrphans(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(TEST_FOLDER_PREFIX)) continue;
    const folder = join(tmpdir(), entry);
    // A folder this young may belong to a run that is still starting its server.
    if (Date.now() - (await stat(folder)).mtimeMs < 10 * 60_000) continue;
    const orphan = new EmbeddedPostgresServer({ dataDir: join(folder, 'pgdata'), port: 0, database: 'postgres', onLog: () => undefined });
    if (await orphan.stopIfOrphaned().catch(() => false)) await rm(folder, { recursive: true, force: true });
  }
}

async function providePostgres(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('adminDatabaseUrl', given);
    return () => Promise.resolve();
  }
  await sweepOrphans();
  const folder = await mkdtemp(join(tmpdir(), TEST_FOLDER_PREFIX));
  // As root, PostgreSQL runs as `postgres` and must be able to reach its folder.
  await chmod(folder, 0o755);
  const server = new EmbeddedPostgresServer({
    dataDir: join(folder, 'pgdata'),
    port: await freePort(),
    database: 'postgres',
    onLog: () => undefined,
  });
  project.provide('adminDatabaseUrl', await server.start());
  return async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  };
}
