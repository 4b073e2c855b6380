import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresServer } from '../../../internal/adapter/postgres/embedded-postgres-server.ts';
import { freePort } from '../../support/free-port.ts';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';

let server: ServerProcess | undefined;
let folder: string | undefined;

afterAll(async () => {
  server?.kill('SIGKILL');
  await server?.exited;
  if (!folder) return;
  // A failed stop leaves the server running: stop it before its folder goes.
  await new EmbeddedPostgresServer({ dataDir: join(folder, 'pgdata'), port: 0, database: 'postgres', onLog: () => undefined }).stopIfOrphaned();
  await rm(folder, { recursive: true, force: true });
});

/** Whether anything accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('shutdown with a dependency down', () => {
  it('when REDIS_URL points at a Redis that is down, then Ctrl-C still stops cleanly: exit 0, embedded PostgreSQL stopped', async () => {
    folder = await mkdtemp(join(tmpdir(), 'ordersvc-redis-down-'));
    // As root, the embedded PostgreSQL runs as `postgres`, which must reach its folder.
    await chmod(folder, 0o755);
    const [redisPort, postgresPort] = [await freePort(), await freePort()];
    server = await startServerProcess({
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      EMBEDDED_PG_DATA_DIR: join(folder, 'pgdata'),
      EMBEDDED_PG_PORT: String(postgresPort),
    });
    expect(await accepts(postgresPort)).toBe(true);

    server.kill('SIGINT');

    expect(await server.exited).toBe(0);
    expect(server.logs.filter((entry) => entry.msg === 'shutdown step failed' || entry.level === 60)).toEqual([]);
    expect(server.logs.some((entry) => entry.msg === 'ordersvc stopped' && entry.clean === true)).toBe(true);
    expect(await accepts(postgresPort)).toBe(false);
  }, 120_000);
});
