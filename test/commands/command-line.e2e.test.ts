import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command's entry point the way `npm run` does, with no configuration at all. */
async function run(script: string, args: readonly string[]): Promise<Finished> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, script), ...args], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const COMMANDS = [
  ['start', 'cmd/server/main.ts'],
  ['migrate', 'cmd/migrate/main.ts'],
  ['config', 'cmd/config/main.ts'],
  ['seed', 'cmd/seed/main.ts'],
  ['create-admin', 'cmd/create-admin/main.ts'],
  ['payment-sandbox', 'cmd/payment-sandbox/main.ts'],
  ['reconcile', 'cmd/reconcile/main.ts'],
  ['routes', 'cmd/routes/main.ts'],
  ['bench', 'bench/main.ts'],
  ['soak', 'bench/soak.ts'],
] as const;

describe('every command line', () => {
  it.each(COMMANDS)('npm run %s -- --help prints the usage and exits 0', async (_name, script) => {
    const result = await run(script, ['--help']);

    expect(result.stdout).toMatch(/^usage: /);
    expect(result.code).toBe(0);
  });

  it.each(COMMANDS)('npm run %s -- --no-such-flag exits 2 with the usage', async (_name, script) => {
    const result = await run(script, ['--no-such-flag']);

    expect(result.stderr).toContain('--no-such-flag');
    expect(result.stderr).toMatch(/^usage: /m);
    expect(result.code).toBe(2);
  });

  it('migrate with a word it does not know exits 2 with the usage', async () => {
    const result = await run('cmd/migrate/main.ts', ['sideways']);

    expect(result.stderr).toMatch(/unknown command "sideways"\nusage: /);
    expect(result.code).toBe(2);
  });
});
