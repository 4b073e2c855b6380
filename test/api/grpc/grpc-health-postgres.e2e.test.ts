import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresServer } from '../../../internal/adapter/postgres/embedded-postgres-server.ts';
import { freePort } from '../../support/free-port.ts';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// A PostgreSQL of this test's own (the machine's shared one is never stopped).
const SERVING = 1;
const NOT_SERVING = 2;
let folder: string;
let postgres: EmbeddedPostgresServer;
let database: TestDatabase;
let app: TestApp;
let client: GrpcClients;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ordersvc-grpc-health-'));
  // As root, PostgreSQL runs as `postgres` and must be able to reach its folder.
  await chmod(folder, 0o755);
  postgres = new EmbeddedPostgresServer({ dataDir: join(folder, 'pgdata'), port: await freePort(), database: 'postgres', onLog: () => undefined });
  database = await createTestDatabase({ adminUrl: await postgres.start() });
  app = await startTestApp({ DB_READY_TIMEOUT_MS: '500' }, { database });
  client = grpcClients(app.service.grpcPort!);
}, 120_000);

afterAll(async () => {
  client?.close();
  await app?.stop();
  await database?.drop();
  await postgres?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('gRPC health follows PostgreSQL', () => {
  it('when PostgreSQL stops, then Health/Watch turns NOT_SERVING, and SERVING again once it is back', async () => {
    const statuses: number[] = [];
    const watch = client.health.watch({ service: '' })[Symbol.asyncIterator]();
    const nextStatus = async (): Promise<number> => {
      const { value, done } = await watch.next();
      if (done) throw new Error('the health watch ended');
      statuses.push(value.status);
      return value.status;
    };
    try {
      expect(await nextStatus()).toBe(SERVING);

      await postgres.stop();
      expect(await nextStatus()).toBe(NOT_SERVING);
      // Unary Check agrees, and so does REST readiness.
      expect((await client.health.check({ service: 'ordersvc.v1.OrderService' })).status).toBe(NOT_SERVING);
      expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(503);

      await postgres.start();
      expect(await nextStatus()).toBe(SERVING);
      expect((await client.health.check({ service: '' })).status).toBe(SERVING);
    } finally {
      await watch.return?.();
    }
    expect(statuses).toEqual([SERVING, NOT_SERVING, SERVING]);
  });
});
