import { Session, type Profiler } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Another profile is being taken; profiles do not overlap (they would share one profiler). */
export class ProfilerBusyError extends Error {
  override readonly name = 'ProfilerBusyError';
  constructor() {
    super('a CPU profile is already being taken; try again when it is done');
  }
}

/** The profile was cut short because the listener is shutting down. */
export class ProfileCancelledError extends Error {
  override readonly name = 'ProfileCancelledError';
  constructor() {
    super('the diagnostics listener is shutting down; the profile was dropped');
  }
}

/**
 * Takes CPU profiles of this process through the inspector protocol, one at
 * a time. The result is the `.cpuprofile` JSON that Chrome DevTools and
 * VS Code open (nodes, samples, timeDeltas, startTime, endTime).
 */
export class CpuProfiler {
  readonly #samplingIntervalUs: number;
  #running: AbortController | undefined;

  constructor(samplingIntervalUs = 1_000) {
    this.#samplingIntervalUs = samplingIntervalUs;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Profiles for `seconds`, or until `signal` aborts (the client went away):
   * then the profile is dropped and the promise rejects with the abort reason.
   * @throws ProfilerBusyError when a profile is already being taken
   */
  async profile(seconds: number, signal: AbortSignal): Promise<Profiler.Profile> {
    if (this.#running) throw new ProfilerBusyError();
    const controller = new AbortController();
    this.#running = controller;
    const session = new Session();
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: this.#samplingIntervalUs });
      await session.post('Profiler.start');
      const interrupted = await sleep(seconds * 1_000, undefined, { signal: AbortSignal.any([signal, controller.signal]) }).then(
        () => false,
        () => true,
      );
      // Stopped also when interrupted: a profiler left running costs CPU until the process ends.
      const { profile } = await session.post('Profiler.stop');
      if (interrupted) {
        const reason: unknown = controller.signal.aborted ? controller.signal.reason : signal.reason;
        throw reason instanceof Error ? reason : new Error(String(reason));
      }
      return profile;
    } finally {
      session.disconnect();
      this.#running = undefined;
    }
  }

  /** Ends a profile in progress (shutdown); its request fails. */
  cancel(): void {
    this.#running?.abort(new ProfileCancelledError());
  }
}
