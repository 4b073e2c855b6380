import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';

const run = promisify(execFile);

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  readonly autocannon: string;
  readonly commit: string;
}

/** What the numbers were taken on: they mean little without it. */
export async function describeMachine(): Promise<Machine> {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${osType()} ${release()}`,
    node: process.version,
    autocannon: await packageVersion('autocannon'),
    commit: await gitCommit(),
  };
}

async function packageVersion(name: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// Read-only git: the commit, and whether the tree had changes on top of it.
async function gitCommit(): Promise<string> {
  try {
    const { stdout: head } = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PROJECT_ROOT });
    const { stdout: status } = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PROJECT_ROOT });
    return `${head.trim()}${status.trim() === '' ? '' : ' + uncommitted changes'}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
