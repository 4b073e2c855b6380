import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCompare } from 'api-smart-diff';
import { parse } from 'yaml';

/**
 * The breaking-change gate of the HTTP contract (`npm run lint:api-diff`): api/openapi.yaml
 * against its previous version on main, classified by api-smart-diff (a removed response field,
 * a new required request field, a narrowed enum… are breaking). A breaking change passes only
 * with a higher `info.version`.
 */
export interface ApiDiffResult {
  readonly breaking: readonly { readonly path: string; readonly description: string }[];
  readonly versionBefore: string;
  readonly versionAfter: string;
  readonly ok: boolean;
}

export function compareContracts(beforeText: string, afterText: string): ApiDiffResult {
  const before = parse(beforeText) as { info?: { version?: string } };
  const after = parse(afterText) as { info?: { version?: string } };
  const { diffs } = apiCompare(before, after);
  const breaking = diffs
    .filter((diff) => diff.type === 'breaking')
    .map((diff) => ({ path: `/${diff.path.map(String).join('/')}`, description: diff.description ?? `${diff.action} at ${diff.path.join('.')}` }));
  const versionBefore = String(before.info?.version ?? '');
  const versionAfter = String(after.info?.version ?? '');
  return { breaking, versionBefore, versionAfter, ok: breaking.length === 0 || semverGreater(versionAfter, versionBefore) };
}

/** a > b for x.y.z versions (a pre-release suffix is ignored). */
export function semverGreater(a: string, b: string): boolean {
  const parts = (version: string) => version.split('-', 1)[0]!.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}

const CONTRACT = 'api/openapi.yaml';

/** The commit to compare with: API_DIFF_BASE, else where this branch left main, else main's previous commit (CI runs on main). */
function baseRef(env: NodeJS.ProcessEnv): string | undefined {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  if (env.API_DIFF_BASE) return env.API_DIFF_BASE;
  try {
    const head = git('rev-parse', 'HEAD');
    const main = git('rev-parse', '--verify', '--quiet', 'refs/heads/main');
    return head === main ? git('rev-parse', '--verify', '--quiet', 'HEAD^1') : git('merge-base', 'HEAD', main);
  } catch {
    return undefined;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const base = baseRef(process.env);
  let beforeText: string | undefined;
  try {
    beforeText = base === undefined ? undefined : execFileSync('git', ['show', `${base}:${CONTRACT}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    beforeText = undefined;
  }
  if (beforeText === undefined) {
    console.log(`api diff: no previous ${CONTRACT} to compare with (no git history or no main); skipped`);
  } else {
    const result = compareContracts(beforeText, readFileSync(resolve(root, CONTRACT), 'utf8'));
    for (const change of result.breaking) console.error(`breaking: ${change.path}: ${change.description}`);
    console.log(`api diff against ${base!.slice(0, 12)}: ${result.breaking.length} breaking change(s); info.version ${result.versionBefore} -> ${result.versionAfter}`);
    if (!result.ok) console.error(`error: breaking changes to ${CONTRACT} need a higher info.version (semver)`);
    process.exitCode = result.ok ? 0 : 1;
  }
}
