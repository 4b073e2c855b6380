import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresOwnerFile } from './embedded-postgres-owner.ts';
import { postgresUser, reachableDataDir, runnableBinaries, type RunAs } from './embedded-postgres-placement.ts';

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

/** Where the server runs from: its data folder and binaries, and as whom (root: the `postgres` user). */
export interface EmbeddedPostgresPlacement {
  readonly dataDir: string;
  readonly binDir: string;
  readonly runAs: RunAs | undefined;
}

/**
 * A real PostgreSQL from the `embedded-postgres` binaries package, in a folder
 * that survives restarts, initialised with `initdb` and run under `pg_ctl`,
 * which detaches it from our process group: a Ctrl-C in the terminal reaches
 * only the service, which drains its requests before it stops the database.
 * As root it runs as the `postgres` user; when the project sits where that
 * user cannot enter (root's home, mode 700), it runs from a copy of the
 * binaries and keeps its data under /var/lib/ordersvc (see `placement`).
 */
export class EmbeddedPostgresServer {
  readonly #options: EmbeddedPostgresOptions;
  /** The configured folder: the password and owner files live beside it, whatever folder the data is in. */
  readonly #configuredDir: string;
  readonly #ownerFile: EmbeddedPostgresOwnerFile;
  #placement: Promise<EmbeddedPostgresPlacement> | undefined;
  /** True when this process started the server (and so stops it). */
  #owner = false;

  constructor(options: EmbeddedPostgresOptions) {
    this.#options = options;
    this.#configuredDir = resolve(options.dataDir);
    this.#ownerFile = new EmbeddedPostgresOwnerFile(this.#configuredDir);
  }

  /** Decided once, on the first start: logged by the caller. */
  placement(): Promise<EmbeddedPostgresPlacement> {
    this.#placement ??= (async () => {
      const { pg_ctl } = await binaries();
      const nativeDir = dirname(dirname(pg_ctl));
      if (userInfo().uid !== 0) return { dataDir: this.#configuredDir, binDir: join(nativeDir, 'bin'), runAs: undefined };
      const runAs = await postgresUser();
      const version = (JSON.parse(await readFile(join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
      const binDir = join(await runnableBinaries(runAs, nativeDir, `${version}-${platform()}-${arch()}`), 'bin');
      return { dataDir: await reachableDataDir(runAs, this.#configuredDir), binDir, runAs };
    })();
    return this.#placement;
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
    const { dataDir } = await this.placement();
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await this.#initialise(password);
    if (await this.#pgCtl(['status'], { allowFailure: true })) await this.#pgCtl(['stop', '-m', 'fast', '-w']);
    const logFile = join(dataDir, 'server.log');
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
    const { dataDir, binDir, runAs } = await this.placement();
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // The password reaches initdb through a file only it (and root) can read, removed at once.
    const passwordFile = join(dirname(dataDir), `.initdb-password-${randomBytes(6).toString('hex')}`);
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    try {
      if (runAs) {
        await chown(dataDir, runAs.uid, runAs.gid);
        await chown(passwordFile, runAs.uid, runAs.gid);
      }
      const { stdout } = await run(
        join(binDir, 'initdb'),
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--lc-messages=C'],
        { ...(runAs ?? {}), timeout: 120_000, env: { ...process.env, LC_MESSAGES: 'C' } },
      ).catch((error: unknown) => {
        throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`, { cause: error });
      });
      if (stdout.trim()) this.#options.onLog(stdout.trim());
    } finally {
      await rm(passwordFile, { force: true });
    }
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
    const file = `${this.#configuredDir}.password`;
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(18).toString('base64url');
    await mkdir(resolve(this.#configuredDir, '..'), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }

  /** Runs pg_ctl on this cluster (as `postgres` when we are root); true on success. */
  async #pgCtl(args: string[], options: { allowFailure?: boolean } = {}): Promise<boolean> {
    const { dataDir, binDir, runAs } = await this.placement();
    try {
      const { stdout } = await run(join(binDir, 'pg_ctl'), [...args, '-D', dataDir], { ...(runAs ?? {}), timeout: 90_000 });
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
