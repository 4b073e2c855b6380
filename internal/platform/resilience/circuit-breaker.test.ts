import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, type BreakerState, type BreakerStateChange, type CircuitBreakerOptions } from './circuit-breaker.ts';

class Outage extends Error {}
class Rejected extends Error {}

const breakers: CircuitBreaker[] = [];

function breaker(overrides: Partial<CircuitBreakerOptions> = {}) {
  const changes: BreakerStateChange[] = [];
  const waiters: { state: BreakerState; resolve: () => void }[] = [];
  const instance = new CircuitBreaker({
    name: 'test',
    errorThresholdPercentage: 50,
    volumeThreshold: 4,
    rollingWindowMs: 10_000,
    resetTimeoutMs: 100,
    isFailure: (error) => error instanceof Outage,
    onStateChange: (change) => {
      changes.push(change);
      for (const waiter of waiters.filter((w) => w.state === change.to)) waiter.resolve();
    },
    ...overrides,
  });
  breakers.push(instance);
  /** Resolves when the breaker next moves to `state` (no polling, no fixed sleep). */
  const reaches = (state: BreakerState) => new Promise<void>((resolve) => waiters.push({ state, resolve }));
  return { breaker: instance, changes, reaches };
}

const fail = (error: Error) => () => Promise.reject(error);
const succeed = () => Promise.resolve('ok');

async function failTimes(instance: CircuitBreaker, times: number, error: Error = new Outage()): Promise<void> {
  for (let i = 0; i < times; i += 1) await instance.execute(fail(error)).catch(() => undefined);
}

afterEach(() => {
  breakers.splice(0).forEach((b) => b.shutdown());
});

describe('CircuitBreaker', () => {
  it('when more than the threshold of enough calls fail, then it opens and fails fast without calling', async () => {
    const { breaker: b, changes } = breaker();
    await b.execute(succeed);
    await failTimes(b, 3);
    let called = false;

    const result = b.execute(() => {
      called = true;
      return Promise.resolve();
    });

    await expect(result).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect(b.state).toBe('open');
    expect(changes).toEqual([{ name: 'test', from: 'closed', to: 'open' }]);
    const rejection = b.rejection();
    expect(rejection?.retryAfterMs).toBeGreaterThan(0);
    expect(rejection?.retryAfterMs).toBeLessThanOrEqual(100);
  });

  it('when fewer calls than the volume threshold failed, then it stays closed', async () => {
    const { breaker: b } = breaker({ volumeThreshold: 10 });

    await failTimes(b, 9);

    expect(b.state).toBe('closed');
    expect(b.rejection()).toBeUndefined();
    expect(await b.execute(succeed)).toBe('ok');
  });

  it('when errors are not failures, then they reach the caller and never open it', async () => {
    const { breaker: b } = breaker();
    const rejected = new Rejected('4xx');

    for (let i = 0; i < 10; i += 1) await expect(b.execute(fail(rejected))).rejects.toBe(rejected);

    expect(b.state).toBe('closed');
  });

  it('when the reset timeout passes, then one probe goes through, others fail fast, and its success closes it', async () => {
    const { breaker: b, changes, reaches } = breaker();
    const halfOpen = reaches('half_open');
    await failTimes(b, 4);
    await halfOpen;
    let release!: () => void;
    const probe = b.execute(() => new Promise<string>((resolve) => (release = () => resolve('probed'))));

    await expect(b.execute(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    release();

    expect(await probe).toBe('probed');
    expect(b.state).toBe('closed');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('when it closed again, then the failures that opened it are forgotten', async () => {
    const { breaker: b, reaches } = breaker();
    const halfOpen = reaches('half_open');
    await failTimes(b, 4);
    await halfOpen;
    await b.execute(succeed);

    await failTimes(b, 1);

    expect(b.state).toBe('closed');
  });

  it('when the probe fails, then it opens again for another reset timeout', async () => {
    const { breaker: b, changes, reaches } = breaker();
    const halfOpen = reaches('half_open');
    await failTimes(b, 4);
    await halfOpen;

    await failTimes(b, 1);

    expect(b.state).toBe('open');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half_open', 'open']);
  });

  it('when a probe ends with an error that is a failure only while half-open, then it opens again', async () => {
    const gaveUp = new Rejected('caller gave up');
    const { breaker: b, reaches } = breaker({ isFailure: (error, state) => error instanceof Outage || (error === gaveUp && state === 'half_open') });
    const halfOpen = reaches('half_open');
    await failTimes(b, 4);
    await halfOpen;

    await expect(b.execute(fail(gaveUp))).rejects.toBe(gaveUp);

    expect(b.state).toBe('open');
  });

  it('when shut down, then calls fail fast', async () => {
    const { breaker: b } = breaker();

    b.shutdown();

    await expect(b.execute(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it.each<Partial<CircuitBreakerOptions>>([{ errorThresholdPercentage: 0 }, { errorThresholdPercentage: 100 }, { volumeThreshold: 0 }, { resetTimeoutMs: 0 }, { rollingWindowMs: 5 }])(
    'when built with %o, then it refuses',
    (overrides) => {
      expect(() => breaker(overrides)).toThrow(RangeError);
    },
  );
});
