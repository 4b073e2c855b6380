import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresServer } from '../internal/adapter/postgres/embedded-postgres-server.ts';
import { freePort } from './processes.ts';

export const BENCH_DATABASE = 'ordersvc_bench';
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const FOLDER_PREFIX = 'ordersvc-bench-';

export interface BenchDatabase {
  /** The fresh `ordersvc_bench` database. */
  readonly url: string;
  /** Where it lives, for the report (no password). */
  readonly description: string;
  /** Drops the database, then stops the embedded server this run started (if any). Idempotent. */
  drop(): Promise<void>;
}

/**
 * A fresh `ordersvc_bench` (or `name`) on BENCH_DATABASE_URL or DATABASE_URL (any
 * database of that server serves to create it), else on the local server at
 * 127.0.0.1:5432, else on an embedded PostgreSQL of its own. A URL given
 * explicitly that does not answer is an error, not a reason to measure
 * another server. BENCH_DATABASE_URL=embedded asks for the embedded one.
 */
export async function createBenchDatabase(env: NodeJS.ProcessEnv, log: (line: string) => void, name: string = BENCH_DATABASE): Promise<BenchDatabase> {
  // The name goes into DROP/CREATE DATABASE as an identifier: plain ones only.
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const forceEmbedded = env.BENCH_DATABASE_URL === 'embedded';
  const given = forceEmbedded ? undefined : env.BENCH_DATABASE_URL || env.DATABASE_URL || undefined;
  let adminUrl = given ?? LOCAL_SERVER;
  let version = forceEmbedded ? new Error('BENCH_DATABASE_URL=embedded') : await serverVersion(adminUrl);
  let embedded: { server: EmbeddedPostgresServer; folder: string } | undefined;
  if (version instanceof Error) {
    if (given) throw new Error(`PostgreSQL at ${redact(given)} does not answer: ${version.message}`, { cause: version });
    log(forceEmbedded ? 'starting an embedded PostgreSQL (BENCH_DATABASE_URL=embedded)' : `no PostgreSQL at ${LOCAL_SERVER} (${version.message}); starting an embedded one`);
    await sweepOrphans();
    const folder = await mkdtemp(join(tmpdir(), FOLDER_PREFIX));
    // As root, PostgreSQL runs as `postgres` and must be able to reach its folder.
    await chmod(folder, 0o755);
    const server = new EmbeddedPostgresServer({ dataDir: join(folder, 'pgdata'), port: await freePort(), database: 'postgres', onLog: () => undefined });
    embedded = { server, folder };
    try {
      adminUrl = await server.start();
    } catch (error) {
      await stopEmbedded(embedded);
      throw error;
    }
    version = await serverVersion(adminUrl);
    if (version instanceof Error) throw version;
  }

  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const where = embedded ? 'embedded, own data folder' : `${url.hostname}:${url.port || 5432}`;

  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    description: `${version} (${where}), database ${name}`,
    drop() {
      dropped ??= (async () => {
        try {
          await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        } finally {
          if (embedded) await stopEmbedded(embedded);
        }
      })();
      return dropped;
    },
  };
}

async function serverVersion(url: string): Promise<string | Error> {
  try {
    let version = '';
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      version = `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
    });
    return version;
  } catch (error) {
    return error as Error;
  }
}

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

async function stopEmbedded(embedded: { server: EmbeddedPostgresServer; folder: string }): Promise<void> {
  await embedded.server.stop();
  await rm(embedded.folder, { recursive: true, force: true });
}

// A run killed outright could not stop its embedded server; the next run does.
async function sweepOrphans(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(FOLDER_PREFIX)) continue;
    const folder = join(tmpdir(), entry);
    if (Date.now() - (await stat(folder)).mtimeMs < 60_000) continue;
    const orphan = new EmbeddedPostgresServer({ dataDir: join(folder, 'pgdata'), port: 0, database: 'postgres', onLog: () => undefined });
    if (await orphan.stopIfOrphaned().catch(() => false)) await rm(folder, { recursive: true, force: true });
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
