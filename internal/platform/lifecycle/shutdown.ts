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

  listen(onDone: (clean: boolean) => void): void {
    const handler = (signal: NodeJS.Signals) => {
      this.#logger.info({ signal }, 'shutdown requested');
      void this.shutdown().then(onDone);
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
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
