import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface ConfigFileWatcherOptions {
  readonly path: string;
  /** Called once per change of the file's content (never twice for the same content); must not throw. */
  readonly onChange: () => void;
  /** Also compare the content this often (0: events only). */
  readonly pollIntervalMs: number;
  /** Events come in bursts (an editor's write, a ConfigMap swap): one look after the burst settles. */
  readonly settleMs?: number;
  readonly onError?: (error: Error) => void;
}

/**
 * Tells when a configuration file's content changes. The folder is watched,
 * not the file: Kubernetes updates a mounted ConfigMap by pointing the `..data`
 * symlink at a new folder, so the file's inode never changes while its
 * content does, and a watch on the file itself would go deaf after the first
 * swap. Every event (and the poll, for filesystems that lose events) only
 * prompts a read; the content hash decides whether anything changed.
 */
export class ConfigFileWatcher {
  readonly #options: ConfigFileWatcherOptions;
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #settle: NodeJS.Timeout | undefined;
  #hash: string | undefined;
  #checking: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(options: ConfigFileWatcherOptions) {
    this.#options = options;
  }

  /** Remembers the current content (the one already applied), then watches. */
  async start(): Promise<void> {
    this.#hash = await this.#read();
    const folder = dirname(this.#options.path);
    const name = basename(this.#options.path);
    this.#watcher = watch(folder, { persistent: false }, (_event, file) => {
      // `..data`, `..2026_12_03_…` and the file itself all matter; other files in the folder do not.
      if (file === null || file === name || file.startsWith('..')) this.#soon();
    });
    this.#watcher.on('error', (error) => this.#options.onError?.(error));
    if (this.#options.pollIntervalMs > 0) {
      this.#poll = setInterval(() => this.#soon(), this.#options.pollIntervalMs);
      this.#poll.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    clearInterval(this.#poll);
    clearTimeout(this.#settle);
    await this.#checking;
  }

  #soon(): void {
    if (this.#stopped) return;
    clearTimeout(this.#settle);
    this.#settle = setTimeout(() => void this.#check(), this.#options.settleMs ?? 100);
    this.#settle.unref();
  }

  // One read at a time; an event during a read gets one more read after it.
  #check(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      try {
        do {
          this.#again = false;
          const hash = await this.#read();
          if (hash !== undefined && hash !== this.#hash && !this.#stopped) {
            this.#hash = hash;
            this.#options.onChange();
          }
        } while (this.#again && !this.#stopped);
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }

  // A file missing for a moment (between a delete and a create) is no change; the next event reads it again.
  async #read(): Promise<string | undefined> {
    try {
      return createHash('sha256').update(await readFile(this.#options.path)).digest('hex');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#options.onError?.(error as Error);
      return undefined;
    }
  }
}
