import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { freePort } from '../support/free-port.ts';
import { parseWalkthrough, type WalkthroughCommand } from '../support/readme-walkthrough.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { outputMatches, prepareActual } from '../support/walkthrough-output.ts';
import { runWalkthrough } from '../support/walkthrough-run.ts';

/**
 * The README's walk-through, run top to bottom: every ```console block not
 * marked `<!-- walkthrough: skip -->`, its commands in order in ONE bash
 * session (so `$TOKEN`, `$PRODUCT`, … carry over), against the service
 * started as "Try it" starts it (the server's main entry with the bootstrap
 * admin), on a free port and a database of its own. Each command's output is
 * compared with the README's (see walkthrough-output.ts for what is
 * normalized). Needs bash, curl ≥ 7.84 and jq: without them (npm test needs
 * only Node and npm) the file is skipped with the reason; .ci/run installs them.
 */

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const blocks = parseWalkthrough(README);
const commands = blocks.filter((block) => !block.skip).flatMap((block) => block.commands);
const skipped = blocks.filter((block) => block.skip).flatMap((block) => block.commands);

/** The first admin, as in the README's "Try it". */
const BOOTSTRAP = { ADMIN_BOOTSTRAP_EMAIL: 'admin@example.com', ADMIN_BOOTSTRAP_PASSWORD: 'change-me-admin-password' };
const missingTools = missingToolsReason();
if (missingTools) console.warn(`the README walk-through test is skipped: ${missingTools}`);

let database: TestDatabase | undefined;
let server: ServerProcess | undefined;
let work: string;
let ports: Map<number, number>;
let outputs = new Map<number, string>();

beforeAll(async () => {
  if (missingTools) return;
  database = await createTestDatabase({ migrate: false });
  work = await mkdtemp(join(tmpdir(), 'ordersvc-walkthrough-'));
  const [port, diagnosticsPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: database.url,
    DB_MIGRATE_ON_START: 'true',
    PORT: String(port),
    DIAGNOSTICS_PORT: String(diagnosticsPort),
  };
  server = await startServerProcess({ ...env, ...BOOTSTRAP });
  ports = new Map([
    [port, 8080],
    [diagnosticsPort, 6060],
  ]);

  outputs = await runWalkthrough(work, commands, (command) => rewrite(command, port, diagnosticsPort), env);
}, 240_000);

afterAll(async () => {
  if (server) {
    server.kill('SIGTERM');
    await server.exited;
  }
  await database?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(missingTools !== undefined)('the README walk-through, top to bottom', () => {
  it('has commands to run', () => {
    expect(commands.length).toBeGreaterThan(20);
  });

  it.each(commands.map((command) => [command.line, firstLine(command), command] as const))(
    'README.md:%i $ %s',
    (line, _title, command: WalkthroughCommand) => {
      const actual = prepareActual(outputs.get(line) ?? '<no output captured>', command.expected, ports);
      if (!outputMatches(actual, command.expected)) {
        // toBe shows the diff between what ran and what the README shows.
        expect(actual.trim()).toBe(command.expected.trim());
      }
    },
  );

  it.skip.each(skipped.map((command) => [command.line, firstLine(command)] as const))(
    'README.md:%i $ %s (marked walkthrough: skip)',
    () => undefined,
  );
});

function firstLine(command: WalkthroughCommand): string {
  return command.command.split('\n')[0]!.slice(0, 80);
}

/** The README talks to localhost:8080 and :6060; the test service listens elsewhere. */
function rewrite(command: string, port: number, diagnosticsPort: number): string {
  return command.replaceAll('localhost:8080', `127.0.0.1:${port}`).replaceAll('localhost:6060', `127.0.0.1:${diagnosticsPort}`);
}

/** Why the walk-through cannot run here (bash, jq or curl ≥ 7.84 missing), or undefined. */
function missingToolsReason(): string | undefined {
  for (const tool of ['bash', 'jq']) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not on PATH`;
  }
  const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  const version = /^curl (\d+)\.(\d+)/.exec(curl.stdout ?? '');
  if (curl.status !== 0 || !version) return 'curl is not on PATH';
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < 7 || (major === 7 && minor < 84)) return `curl ${major}.${minor} is older than 7.84 (--json, %header{…})`;
  return undefined;
}
