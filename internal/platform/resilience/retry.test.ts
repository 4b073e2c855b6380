import { describe, expect, it } from 'vitest';
import { retry, type RetryDecision, type RetryNotice, type RetryOptions } from './retry.ts';

class Transient extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(retryAfterMs?: number) {
    super('transient');
    this.retryAfterMs = retryAfterMs;
  }
}

const classify = (error: unknown): RetryDecision =>
  error instanceof Transient ? { retry: true, retryAfterMs: error.retryAfterMs } : { retry: false };

function options(overrides: Partial<RetryOptions> = {}): RetryOptions & { notices: RetryNotice[] } {
  const notices: RetryNotice[] = [];
  return {
    maxAttempts: 3,
    backoff: { baseMs: 1, capMs: 5 },
    maxElapsedMs: 5_000,
    signal: new AbortController().signal,
    classify,
    onRetry: (notice) => notices.push(notice),
    notices,
    ...overrides,
  };
}

/** An operation that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const operation = ({ attempt }: { attempt: number }) => {
    calls.push(attempt);
    const error = errors[attempt - 1];
    return error ? Promise.reject(error) : Promise.resolve('ok');
  };
  return { operation, calls };
}

describe('retry', () => {
  it('when retryable failures come before a success, then it returns the success after as many retries', async () => {
    const { operation, calls } = failing(new Transient(), new Transient());
    const opts = options();

    expect(await retry(operation, opts)).toBe('ok');

    expect(calls).toEqual([1, 2, 3]);
    expect(opts.notices.map((n) => n.attempt)).toEqual([1, 2]);
    expect(opts.notices.every((n) => n.delayMs >= 0 && n.delayMs < 5)).toBe(true);
  });

  it('when a failure is not retryable, then it is thrown after one attempt', async () => {
    const bug = new Error('bad request');
    const { operation, calls } = failing(bug);

    await expect(retry(operation, options())).rejects.toBe(bug);

    expect(calls).toEqual([1]);
  });

  it('when every attempt fails, then the last error is thrown after maxAttempts', async () => {
    const last = new Transient();
    const { operation, calls } = failing(new Transient(), new Transient(), last, new Transient());

    await expect(retry(operation, options())).rejects.toBe(last);

    expect(calls).toEqual([1, 2, 3]);
  });

  it('when the remote side asks for a wait, then the retry waits at least that long', async () => {
    const { operation } = failing(new Transient(120));
    const opts = options();
    const startedAt = performance.now();

    await retry(operation, opts);

    expect(opts.notices[0]?.delayMs).toBe(120);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(115);
  });

  it('when the asked-for wait would pass the time budget, then it gives up at once with that error', async () => {
    const rateLimited = new Transient(10_000);
    const { operation, calls } = failing(rateLimited);
    const startedAt = performance.now();

    await expect(retry(operation, options({ maxElapsedMs: 1_000 }))).rejects.toBe(rateLimited);

    expect(calls).toEqual([1]);
    expect(performance.now() - startedAt).toBeLessThan(500);
  });

  it('when too little time would be left for another attempt, then it gives up', async () => {
    let now = 0;
    const { operation, calls } = failing(new Transient(), new Transient());

    await expect(
      retry(
        (attempt) => {
          now += 900;
          return operation(attempt);
        },
        options({ maxElapsedMs: 1_000, minAttemptMs: 150, now: () => now, random: () => 0 }),
      ),
    ).rejects.toBeInstanceOf(Transient);

    expect(calls).toEqual([1]);
  });

  it('when attempts run, then each learns the time left of the budget', async () => {
    let now = 0;
    const remaining: number[] = [];

    await retry(
      ({ attempt, remainingMs }) => {
        remaining.push(remainingMs);
        now += 300;
        return attempt < 3 ? Promise.reject(new Transient()) : Promise.resolve('ok');
      },
      options({ maxElapsedMs: 1_000, now: () => now, random: () => 0 }),
    );

    expect(remaining).toEqual([1_000, 700, 400]);
  });

  it('when the caller aborts during a backoff wait, then it stops at once with the caller reason', async () => {
    const controller = new AbortController();
    let calls = 0;
    const startedAt = performance.now();

    const result = retry(
      () => {
        calls += 1;
        setImmediate(() => controller.abort(new Error('deadline')));
        return Promise.reject(new Transient(5_000));
      },
      options({ signal: controller.signal, maxElapsedMs: 60_000 }),
    );

    await expect(result).rejects.toThrow('deadline');
    expect(calls).toBe(1);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });

  it('when the caller aborted during an attempt, then the caller reason wins over the attempt error', async () => {
    const controller = new AbortController();

    const result = retry(() => {
      controller.abort(new Error('client left'));
      return Promise.reject(new Transient());
    }, options({ signal: controller.signal }));

    await expect(result).rejects.toThrow('client left');
  });
});
