import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { runWalkthrough } from '../support/walkthrough-run.ts';

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
const missingTools = ['bash', 'jq'].find((tool) => spawnSync(tool, ['--version']).status !== 0);
if (missingTools) console.warn(`the gRPC docs walk-through is skipped: ${missingTools} is not on PATH`);

let database: TestDatabase | undefined;
let server: ServerProcess | undefined;
let work: string;
let ports: Map<number, number>;
let outputs = new Map<number, string>();

beforeAll(async () => {
  if (missingTools) return;
  database = await createTestDatabase({ migrate: false });
  work = await mkdtemp(join(tmpdir(), 'ordersvc-grpc-walkthrough-'));
  const grpcPort = await freePort();
  const env = { DATABASE_URL: database.url, DB_MIGRATE_ON_START: 'true', GRPC_PORT: String(grpcPort) };
  server = await startServerProcess({ ...env, ...BOOTSTRAP });
  ports = new Map([[grpcPort, 9090]]);

  outputs = await runWalkthrough(work, commands, (command) => command.replaceAll('127.0.0.1:9090', `127.0.0.1:${grpcPort}`));
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

