import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let database: TestDatabase;
let server: ServerProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  server?.kill('SIGKILL');
  await database?.drop();
});

/** A POST whose body is still being sent: the server holds it in flight. */
function openRequest(port: number, index: number): { req: ClientRequest; finish: () => Promise<{ status: number; body: string }> } {
  const body = JSON.stringify({ name: `In Flight ${index}`, email: `inflight.${index}@example.com`, password: `in-flight-password-${index}` });
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/auth/register', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.write(body.slice(0, 10));
  return {
    req,
    finish: async () => {
      req.end(body.slice(10));
      const res = await response;
      let text = '';
      for await (const chunk of res) text += String(chunk);
      return { status: res.statusCode ?? 0, body: text };
    },
  };
}

async function readiness(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  await response.arrayBuffer();
  return response.status;
}

describe('graceful shutdown', () => {
  it('when SIGTERM arrives with requests in flight, then readiness turns 503, every request completes and the process exits 0', async () => {
    server = await startServerProcess({ DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '10000', SHUTDOWN_DRAIN_DELAY_MS: '300', RATE_LIMIT_AUTH_PER_WINDOW: '1000' });
    const { port } = server;
    const inFlight = Array.from({ length: 20 }, (_, index) => openRequest(port, index));
    // A request answered on a later connection proves the earlier ones were accepted.
    expect(await readiness(port)).toBe(200);

    server.kill('SIGTERM');
    let status = 200;
    while (status === 200) status = await readiness(port);
    const results = await Promise.all(inFlight.map((request) => request.finish()));

    expect(status).toBe(503);
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(201));
    expect(await server.exited).toBe(0);
    const { rows } = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE email LIKE 'inflight.%'");
    expect(Number(rows[0]!.n)).toBe(20);
    expect(server.logs.some((entry) => entry.msg === 'ordersvc stopped' && entry.clean === true)).toBe(true);
  });

  it('when SIGINT arrives on an idle server, then it exits 0 promptly', async () => {
    server = await startServerProcess({ DATABASE_URL: database.url });

    server.kill('SIGINT');

    expect(await server.exited).toBe(0);
  });

  it('when `npm start` gets a Ctrl-C (SIGINT to its whole process group, as a terminal sends it), then npm exits 0', async () => {
    // npm forwards the SIGINT the service already got from the terminal: the second one must not kill it.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: PROJECT_ROOT,
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, HOST: '127.0.0.1', PORT: '0', DIAGNOSTICS_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const lines = createInterface({ input: npm.stdout });
    const logs: string[] = [];
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        logs.push(line);
        if (line.includes('"ordersvc listening"')) resolve();
      });
      void exited.then(() => reject(new Error(`npm start ended before listening:\n${logs.join('\n')}`)));
    });

    process.kill(-npm.pid!, 'SIGINT');

    expect(await exited).toEqual([0, null]);
    expect(logs.some((line) => line.includes('"clean":true') && line.includes('ordersvc stopped'))).toBe(true);
  });
});
