import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../cmd/shared/database.ts';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import { StartupRefusal } from '../../internal/platform/lifecycle/startup-refusal.ts';
import { createLogger } from '../../internal/platform/logger/logger.ts';
import { freePort } from '../support/free-port.ts';

const held: Server[] = [];
const folders: string[] = [];

/** Something else listening on a port, as another program would. */
async function occupy(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  held.push(server);
  return (server.address() as { port: number }).port;
}

async function startServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cmd/server/main.ts')], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'ordersvc-port-clash-'));
  // As root, the embedded PostgreSQL runs as `postgres`, which must reach its folder.
  await chmod(path, 0o755);
  folders.push(path);
  return path;
}

afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

afterAll(async () => {
  await Promise.all(folders.map((path) => rm(path, { recursive: true, force: true })));
});

describe('port clashes', () => {
  it('when PORT, DIAGNOSTICS_PORT, METRICS_PORT and EMBEDDED_PG_PORT are all taken, then one start names every one of them and starts nothing', async () => {
    const [port, diagnostics, metrics, postgres] = [await occupy(), await occupy(), await occupy(), await occupy()];
    const dataDir = join(await folder(), 'pgdata');

    const result = await startServer({ PORT: String(port), DIAGNOSTICS_PORT: String(diagnostics), METRICS_PORT: String(metrics), EMBEDDED_PG_PORT: String(postgres), EMBEDDED_PG_DATA_DIR: dataDir });

    expect(result.stderr.trim().split('\n')).toEqual([
      `port ${port} on 127.0.0.1 is already in use: set PORT to a free port (0 picks one) or stop what listens there`,
      `port ${diagnostics} on 127.0.0.1 is already in use: set DIAGNOSTICS_PORT to a free port, or DIAGNOSTICS_ENABLED=false`,
      `port ${metrics} on 127.0.0.1 is already in use: set METRICS_PORT to a free port, or 0 to serve /metrics on PORT`,
      `port ${postgres} on 127.0.0.1 is already in use: set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use a PostgreSQL of your own`,
    ]);
    expect(result.stdout).not.toContain('starting embedded PostgreSQL');
    expect(result.code).toBe(1);
  });

  it('when only the main port is taken, then the message names PORT, not EADDRINUSE', async () => {
    const port = await occupy();

    const result = await startServer({ PORT: String(port), DIAGNOSTICS_ENABLED: 'false', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });

    expect(result.stderr).toBe(`port ${port} on 127.0.0.1 is already in use: set PORT to a free port (0 picks one) or stop what listens there\n`);
    expect(result.code).toBe(1);
  });

  it('when the embedded PostgreSQL cannot bind its port, then the refusal names the port, EMBEDDED_PG_PORT and its log file', async () => {
    const taken = await occupy();
    const dataDir = join(await folder(), 'pgdata');
    const { config } = loadConfig({ EMBEDDED_PG_PORT: String(taken), EMBEDDED_PG_DATA_DIR: dataDir, PORT: String(await freePort()) });

    const refusal = await openDatabase(config, createLogger({ level: 'silent' })).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(refusal).toBeInstanceOf(StartupRefusal);
    expect((refusal as Error).message).toBe(
      `the embedded PostgreSQL did not start (EMBEDDED_PG_PORT=${taken}): port ${taken} is already in use: set EMBEDDED_PG_PORT to a free port or stop what listens there; its log is ${join(dataDir, 'server.log')}`,
    );
  }, 120_000);
});
