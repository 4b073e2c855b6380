import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { freePort } from '../support/free-port.ts';
import { contractRpcs } from '../support/grpc-contract.ts';
import { parseWalkthrough, type WalkthroughCommand } from '../support/readme-walkthrough.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { outputMatches, prepareActual } from '../support/walkthrough-output.ts';

/**
 * docs/grpc.md's `buf curl` examples, run top to bottom as the README's
 * walk-through is (test/readme/walkthrough.e2e.test.ts): every ```console
 * block, in ONE bash session, against the service started with the README's
 * bootstrap admin, its gRPC port shown as the docs' 9090. Each output is
 * compared with the one the docs show. Needs bash and jq (the buf CLI is a dev
 * dependency); without them the file is skipped with the reason.
 */

const DOC = readFileSync(join(PROJECT_ROOT, 'docs/grpc.md'), 'utf8');
const blocks = parseWalkthrough(DOC);
const commands = blocks.filter((block) => !block.skip).flatMap((block) => block.commands);
const BOOTSTRAP = { ADMIN_BOOTSTRAP_EMAIL: 'admin@example.com', ADMIN_BOOTSTRAP_PASSWORD: 'change-me-admin-password' };
const MARK = '@@walkthrough-command@@';
const missingTools = ['bash', 'jq'].find((tool) => spawnSync(tool, ['--version']).status !== 0);
if (missingTools) console.warn(`the gRPC docs walk-through is skipped: ${missingTools} is not on PATH`);

let database: TestDatabase | undefined;
let server: ServerProcess | undefined;
let work: string;
let ports: Map<number, number>;
const outputs = new Map<number, string>();

beforeAll(async () => {
  if (missingTools) return;
  database = await createTestDatabase({ migrate: false });
  work = await mkdtemp(join(tmpdir(), 'ordersvc-grpc-walkthrough-'));
  const grpcPort = await freePort();
  const env = { DATABASE_URL: database.url, DB_MIGRATE_ON_START: 'true', GRPC_PORT: String(grpcPort) };
  server = await startServerProcess({ ...env, ...BOOTSTRAP });
  ports = new Map([[grpcPort, 9090]]);

  const script = [
    'exec 2>&1',
    ...commands.flatMap((command) => [`printf '\\n%s\\n' '${MARK} ${command.line}'`, command.command.replaceAll('127.0.0.1:9090', `127.0.0.1:${grpcPort}`)]),
    `printf '\\n%s\\n' '${MARK} end'`,
  ].join('\n');
  await writeFile(join(work, 'walkthrough.sh'), script);
  splitOutputs(await runBash(join(work, 'walkthrough.sh'), { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, LANG: 'C.UTF-8' }));
}, 240_000);

afterAll(async () => {
  if (server) {
    server.kill('SIGTERM');
    await server.exited;
  }
  await database?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(missingTools !== undefined)('the gRPC docs walk-through, top to bottom', () => {
  it('calls every RPC of the contract, and lists the services', () => {
    const listed = outputs.get(commands.find((command) => command.command.includes('--list-services'))!.line) ?? '';
    const uncalled = contractRpcs()
      .map((rpc) => rpc.path)
      .filter((path) => !commands.some((command) => new RegExp(`/${path.replaceAll('.', '\\.')}(?!\\w)`).test(command.command)));

    expect(listed.split('\n')).toEqual(expect.arrayContaining([...new Set(contractRpcs().map((rpc) => rpc.service))]));
    expect(uncalled, 'RPCs docs/grpc.md shows no buf curl call of').toEqual([]);
  });

  it.each(commands.map((command) => [command.line, command.command.split('\n')[0]!.slice(40, 140), command] as const))(
    'docs/grpc.md:%i $ %s',
    (_line, _title, command: WalkthroughCommand) => {
      const actual = prepareActual(outputs.get(command.line) ?? '<no output captured>', command.expected, ports);
      if (!outputMatches(actual, command.expected)) expect(actual.trim()).toBe(command.expected.trim());
    },
  );
});

async function runBash(script: string, env: Record<string, string>): Promise<string> {
  // Through `| cat`, so /dev/stderr is a pipe (node's own stdio is a socket).
  const child = spawn('bash', ['--noprofile', '--norc', '-c', 'bash --noprofile --norc "$0" 2>&1 | cat', script], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await once(child, 'exit');
  return stdout;
}

function splitOutputs(output: string): void {
  const parts = output.split(new RegExp(`\\n?${MARK} `));
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const key = part.slice(0, newline);
    if (key === 'end') continue;
    outputs.set(Number(key), part.slice(newline + 1).replace(/\n$/, ''));
  }
}
