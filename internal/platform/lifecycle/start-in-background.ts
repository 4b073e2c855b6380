import { fullJitterDelay, type BackoffPolicy } from '../resilience/backoff.ts';

/** Something started that must be stopped again. */
export interface Started {
  stop(): Promise<void>;
}

export interface BackgroundStart {
  /** True once a start succeeded. */
  readonly started: boolean;
  /** Stops retrying (waiting for an attempt in flight), then stops what was started. Idempotent. */
  stop(): Promise<void>;
}

export interface StartInBackgroundOptions {
  readonly log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
  readonly backoff?: BackoffPolicy | undefined;
}

/**
 * Starts a part of the service that needs a dependency (the database) which
 * may not be up yet. The first attempt is awaited, so in the usual case the
 * part runs when this resolves; when it fails, the service starts anyway
 * (readiness tells the dependency is down) and the start is retried with
 * jittered backoff until it succeeds or `stop` is called.
 */
export async function startInBackground(name: string, start: () => Promise<Started>, options: StartInBackgroundOptions): Promise<BackgroundStart> {
  const backoff = options.backoff ?? { baseMs: 500, capMs: 15_000 };
  let running: Started | undefined;
  let attempt: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let retries = 0;
  let stopping: Promise<void> | undefined;

  const tryStart = async (): Promise<void> => {
    try {
      const started = await start();
      if (stopped) {
        await started.stop();
        return;
      }
      running = started;
      if (retries > 0) options.log.info({ part: name, retries }, `${name} started after retrying`);
    } catch (error) {
      if (stopped) return;
      const delayMs = Math.max(100, fullJitterDelay(retries, backoff));
      options.log.warn({ part: name, error: error instanceof Error ? error.message : String(error), retryInMs: delayMs }, `${name} could not start; retrying`);
      retries += 1;
      timer = setTimeout(() => {
        attempt = tryStart();
      }, delayMs);
    }
  };

  attempt = tryStart();
  await attempt;
  return {
    get started() {
      return running !== undefined;
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await attempt;
        await running?.stop();
      })();
      return stopping;
    },
  };
}
