/**
 * Runs `task` now and then again `intervalMs` after each run ends: a run that
 * is slow delays the next one instead of overlapping it. `stop()` waits for a
 * run in progress.
 */
export class PeriodicTask {
  readonly #task: () => Promise<void>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(task: () => Promise<void>, intervalMs: number) {
    this.#task = task;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #run(): void {
    if (this.#stopped) return;
    this.#running = this.#task().finally(() => {
      this.#running = undefined;
      if (!this.#stopped) this.#timer = setTimeout(() => this.#run(), this.#intervalMs);
    });
  }
}
