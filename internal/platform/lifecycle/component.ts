import type { Logger } from '../logger/logger.ts';

/**
 * One part of the running service with a lifetime: a client, a listener, a
 * worker pool. `start` may be absent for a part that was opened while the
 * service was wired (a database pool); `ready`, where it has one, says
 * whether it can serve.
 */
export interface Component {
  readonly name: string;
  start?(): Promise<void> | void;
  stop(): Promise<unknown> | void;
  ready?(): Promise<boolean>;
}

/**
 * The components of a service, started in order and stopped in reverse by
 * one loop: whatever started is stopped, on shutdown and when a later
 * component fails to start alike, so there is no second list to keep in step.
 */
export class Components {
  readonly #log: Logger;
  readonly #started: Component[] = [];
  #stopping: Promise<boolean> | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Starts `component` (after those started before it) and keeps it to stop. */
  async start<C extends Component>(component: C): Promise<C> {
    if (this.#stopping) throw new Error(`component ${component.name} cannot start: the service is stopping`);
    await component.start?.();
    this.#started.push(component);
    return component;
  }

  /** The names of the started components, in start order. */
  get names(): readonly string[] {
    return this.#started.map((component) => component.name);
  }

  /** Stops every started component once, last started first; a failing stop is logged and the rest still stop. Resolves true when all stopped cleanly. */
  stop(): Promise<boolean> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<boolean> {
    let clean = true;
    for (const component of [...this.#started].reverse()) {
      const startedAt = performance.now();
      try {
        await component.stop();
        this.#log.info({ component: component.name, duration_ms: Math.round(performance.now() - startedAt) }, 'component stopped');
      } catch (error) {
        clean = false;
        this.#log.error({ component: component.name, err: error }, 'component failed to stop');
      }
    }
    return clean;
  }
}
