import { describe, expect, it } from 'vitest';
import { startInBackground, type Started } from './start-in-background.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const fast = { log: quiet, backoff: { baseMs: 1, capMs: 5 } };

/** A start that fails `failures` times, then succeeds; counts starts and stops. */
function flaky(failures: number) {
  const counts = { attempts: 0, stops: 0 };
  let resolveStarted!: () => void;
  const startedOnce = new Promise<void>((resolve) => (resolveStarted = resolve));
  const start = (): Promise<Started> => {
    counts.attempts += 1;
    if (counts.attempts <= failures) return Promise.reject(new Error(`attempt ${counts.attempts} failed`));
    resolveStarted();
    return Promise.resolve({ stop: () => Promise.resolve(void (counts.stops += 1)) });
  };
  return { counts, start, startedOnce };
}

describe('startInBackground', () => {
  it('when the first attempt succeeds, then it has started by the time the promise resolves', async () => {
    const part = flaky(0);

    const handle = await startInBackground('part', part.start, fast);

    expect(handle.started).toBe(true);
    await handle.stop();
    expect(part.counts).toEqual({ attempts: 1, stops: 1 });
  });

  it('when the first attempts fail, then it resolves at once not started, and retries until it starts', async () => {
    const part = flaky(3);

    const handle = await startInBackground('part', part.start, fast);
    const startedAtFirst = handle.started;
    await part.startedOnce;
    await handle.stop();

    expect(startedAtFirst).toBe(false);
    expect(part.counts).toEqual({ attempts: 4, stops: 1 });
  });

  it('when stopped while retrying, then it stops trying and there is nothing to stop', async () => {
    const part = flaky(Number.POSITIVE_INFINITY);
    const warnings: string[] = [];

    const handle = await startInBackground('part', part.start, { log: { ...quiet, warn: (_fields: object, message: string) => void warnings.push(message) }, backoff: { baseMs: 10_000, capMs: 10_000 } });
    await handle.stop();
    await handle.stop();

    expect(handle.started).toBe(false);
    expect(part.counts).toEqual({ attempts: 1, stops: 0 });
    expect(warnings).toEqual(['part could not start; retrying']);
  });
});
