import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import type { WalkthroughCommand } from './readme-walkthrough.ts';

const MARK = '@@walkthrough-command@@';

/**
 * Runs a document's walk-through commands top to bottom as one bash script in `work` (so variables carry from
 * one command to the next, as for a reader), each rewritten by `rewrite` (e.g. the documented ports to the test's),
 * and returns each command's output (stdout and stderr) by the document line it starts on.
 */
export async function runWalkthrough(
  work: string,
  commands: readonly WalkthroughCommand[],
  rewrite: (command: string) => string,
  env: Record<string, string> = {},
): Promise<Map<number, string>> {
  const script = [
    'exec 2>&1',
    ...commands.flatMap((command) => [`printf '\\n%s\\n' '${MARK} ${command.line}'`, rewrite(command.command)]),
    `printf '\\n%s\\n' '${MARK} end'`,
  ].join('\n');
  const path = join(work, 'walkthrough.sh');
  await writeFile(path, script);
  return splitOutputs(await runBash(path, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, LANG: 'C.UTF-8', ...env }));
}

async function runBash(script: string, env: Record<string, string>): Promise<string> {
  // Through `| cat`, so /dev/stderr is a pipe that `tee` and `curl -D` can open (node's own stdio is a socket).
  const child = spawn('bash', ['--noprofile', '--norc', '-c', 'bash --noprofile --norc "$0" 2>&1 | cat', script], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await once(child, 'exit');
  return stdout;
}

function splitOutputs(output: string): Map<number, string> {
  const outputs = new Map<number, string>();
  for (const part of output.split(new RegExp(`\\n?${MARK} `)).slice(1)) {
    const newline = part.indexOf('\n');
    const key = part.slice(0, newline);
    if (key !== 'end') outputs.set(Number(key), part.slice(newline + 1).replace(/\n$/, ''));
  }
  return outputs;
}
