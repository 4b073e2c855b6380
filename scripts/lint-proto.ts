import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run lint:proto`: the gRPC contract under api/proto/
 * - `buf lint` (STANDARD rules, buf.yaml);
 * - `buf breaking` against the contract on `main` (the local branch, else `origin/main`);
 *   skipped, with a note, while `main` has no contract yet (the first change that adds it);
 * - the generated code and descriptor set are what `npm run gen:proto` makes of the protos now.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUF = join(ROOT, 'node_modules/.bin/buf');
const GENERATED = 'internal/transport/grpc/generated';
const PROTO_DIR = 'api/proto';

function buf(args: string[]): void {
  const result = spawnSync(BUF, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new LintFailure(`buf ${args[0]} failed`);
}

class LintFailure extends Error {}

function mainRef(): string | undefined {
  for (const ref of ['main', 'origin/main']) {
    const found = spawnSync('git', ['cat-file', '-e', `${ref}:${PROTO_DIR}`], { cwd: ROOT, stdio: 'ignore' });
    if (found.status === 0) return ref;
  }
  return undefined;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function staleFiles(): string[] {
  const out = mkdtempSync(join(tmpdir(), 'ordersvc-proto-'));
  try {
    execFileSync(BUF, ['generate', '-o', out], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(BUF, ['build', '--as-file-descriptor-set', '-o', join(out, GENERATED, 'ordersvc.binpb')], { cwd: ROOT, stdio: 'inherit' });
    const fresh = filesUnder(join(out, GENERATED)).map((path) => relative(out, path));
    const committed = filesUnder(join(ROOT, GENERATED)).map((path) => relative(ROOT, path));
    const stale = fresh.filter((path) => !committed.includes(path) || !readFileSync(join(out, path)).equals(readFileSync(join(ROOT, path))));
    return [...stale, ...committed.filter((path) => !fresh.includes(path))];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

try {
  buf(['lint']);
  const ref = mainRef();
  if (ref) buf(['breaking', PROTO_DIR, '--against', `.git#ref=${ref},subdir=${PROTO_DIR}`]);
  else console.log(`buf breaking: skipped, ${PROTO_DIR} is not on main yet`);
  const stale = staleFiles();
  if (stale.length > 0) throw new LintFailure(`generated gRPC code is stale (run \`npm run gen:proto\`): ${stale.join(', ')}`);
} catch (error) {
  if (!(error instanceof LintFailure)) throw error;
  console.error(error.message);
  process.exit(1);
}
