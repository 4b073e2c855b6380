import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresServer } from '../../internal/adapter/postgres/embedded-postgres-server.ts';
import { freePort } from '../support/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL; each test file creates its own database through it. */
    adminDatabaseUrl: string;
  }
}

/**
 * Uses TEST_DATABASE_URL when given, otherwise starts a throw-away embedded
 * PostgreSQL, so `npm test` needs nothing but Node and npm.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('adminDatabaseUrl', given);
    return () => Promise.resolve();
  }
  const folder = await mkdtemp(join(tmpdir(), 'ordersvc-test-'));
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
