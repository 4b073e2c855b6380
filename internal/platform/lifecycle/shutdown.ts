import type { Logger } from '../logger/logger.ts';

export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

/**
 * Runs the registered steps once, in order, on SIGTERM/SIGINT (or `shutdown()`),
 * logging each; a failing step does not stop the ones after it.
 */
export class Shutdown {
  readonly #logger: Logger;
  readonly #steps: ShutdownStep[] = [];
  #started: Promise<boolean> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get inProgress(): boolean {
    return this.#started !== undefined;
  }

  /** Steps run in the order they were added. */
  add(name: string, run: () => Promise<unknown>): void {
    this.#steps.push({ name, run });
  }

  /**
   * Signals after the first are logged and ignored, never left to the default
   * action: a Ctrl-C under `npm start` reaches the service twice (from the
   * terminal, and forwarded by npm), and a second SIGINT that killed the process
   * would cut the drain short and make npm exit 130. The grace periods bound the
   * shutdown; SIGKILL remains for an operator who cannot wait.
   */
  listen(onDone: (clean: boolean) => void): void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.inProgress) {
        this.#logger.info({ signal }, 'shutdown already in progress');
        return;
      }
      this.#logger.info({ signal }, 'shutdown requested');
      void this.shutdown().then(onDone);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  }

  /** Resolves `true` when every step succeeded. */
  shutdown(): Promise<boolean> {
    this.#started ??= this.#runSteps();
    return this.#started;
  }

  async #runSteps(): Promise<boolean> {
    let clean = true;
    for (const step of this.#steps) {
      const started = performance.now();
      try {
        await step.run();
        this.#logger.info({ step: step.name, duration_ms: Math.round(performance.now() - started) }, 'shutdown step done');
      } catch (error) {
        clean = false;
        this.#logger.error({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    return clean;
  }
}
