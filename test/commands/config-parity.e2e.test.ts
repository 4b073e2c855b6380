import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';

async function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, script)], {
    // Nothing is reachable: a command that got past its checks would fail differently (or listen).
    env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '0', DIAGNOSTICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('npm run config and npm start share one validation', () => {
  it.each([
    [{ ADMIN_BOOTSTRAP_EMAIL: 'admin@example.com' }, 'ADMIN_BOOTSTRAP_EMAIL and ADMIN_BOOTSTRAP_PASSWORD go together'],
    [{ DIAGNOSTICS_HOST: '0.0.0.0' }, 'DIAGNOSTICS_TOKEN'],
    [{ FLAGS_DEFAULTS: '{not json' }, 'FLAGS_DEFAULTS: not valid JSON'],
    [{ FLAGS_DEFAULTS: '{"no.such.flag":{"enabled":true}}' }, 'FLAGS_DEFAULTS: there is no flag no.such.flag'],
    [{ RELEASE_CHANNEL_VALUES: 'blue' }, 'RELEASE_CHANNEL_VALUES: "blue" is not a channel'],
    [{ JOBS_QUEUE_CONCURRENCY: 'nope=1' }, 'JOBS_QUEUE_CONCURRENCY: there is no queue nope'],
    [{ PORT: '99999' }, 'PORT'],
    [{ ORDER_RECOVER_AFTER_MS: '1000' }, 'ORDER_RECOVER_AFTER_MS'],
  ])('when %o, then both refuse it with exit 2 and the same readable lines', async (env, reason) => {
    const [config, start] = await Promise.all([run('cmd/config/main.ts', env), run('cmd/server/main.ts', env)]);

    expect(config.stderr).toContain(reason);
    expect(config.stderr).toMatch(/^invalid configuration:\n/);
    expect(config.stderr).not.toMatch(/"level"|\bat .*\.ts:\d+/);
    expect(start.stderr).toBe(config.stderr);
    expect(start.stdout).toBe('');
    expect([config.code, start.code]).toEqual([2, 2]);
  });

  it('when both of the bootstrap pair are set, then config accepts it and prints them redacted', async () => {
    const result = await run('cmd/config/main.ts', { ADMIN_BOOTSTRAP_EMAIL: 'admin@example.com', ADMIN_BOOTSTRAP_PASSWORD: 'a-long-enough-password' });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"bootstrapAdminPassword": "[redacted]"');
  });
});
