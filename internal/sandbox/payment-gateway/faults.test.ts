import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultConfig } from './faults.ts';

describe('parseFaultConfig', () => {
  it.each([
    [{ latency_ms: { min: 0, max: 10 }, error_rate: 0.2, hang_rate: 0.1, reset_rate: 0.1, rate_limit_rate: 0.1 }],
    [{ fail_next: 2, fail_after_commit_next: 1, retry_after_s: 3, scope: 'authorize' }],
    [{}],
  ])('accepts %j', (config) => {
    expect(parseFaultConfig(config)).toEqual({ ok: true, config });
  });

  it.each([
    ['not an object', []],
    ['an unknown key', { errorRate: 1 }],
    ['min above max', { latency_ms: { min: 10, max: 5 } }],
    ['a fractional latency', { latency_ms: { min: 1.5, max: 5 } }],
    ['a rate above 1', { error_rate: 1.5 }],
    ['a negative rate', { hang_rate: -0.1 }],
    ['rates adding up above 1', { error_rate: 0.6, reset_rate: 0.6 }],
    ['a negative count', { fail_next: -1 }],
    ['a fractional count', { retry_after_s: 0.5 }],
    ['an unknown scope', { scope: 'capture' }],
  ])('rejects %s', (_name, config) => {
    expect(parseFaultConfig(config).ok).toBe(false);
  });
});

describe('FaultInjector', () => {
  const injectorRolling = (...rolls: number[]): FaultInjector => {
    let next = 0;
    return new FaultInjector(() => rolls[next++ % rolls.length] ?? 0);
  };

  it.each([
    [0.05, 'hang'],
    [0.15, 'reset'],
    [0.25, 'rate_limited'],
    [0.35, 'unavailable'],
    [0.45, 'none'],
  ])('when the roll is %d with 10%% of each fault, then the request gets %s', (roll, kind) => {
    const faults = injectorRolling(roll);
    faults.replace({ hang_rate: 0.1, reset_rate: 0.1, rate_limit_rate: 0.1, error_rate: 0.1 });

    expect(faults.plan(true).action.kind).toBe(kind);
  });

  it('when latency has a range, then both bounds are reachable', () => {
    // Each plan takes one roll for the latency, one for the failure.
    const faults = injectorRolling(0, 0.5, 0.999_999, 0.5);
    faults.replace({ latency_ms: { min: 20, max: 30 } });

    expect([faults.plan(false).latencyMs, faults.plan(false).latencyMs]).toEqual([20, 30]);
  });

  it('when scoped to authorize, then other endpoints get no fault and do not consume fail_next', () => {
    const faults = injectorRolling(0);
    faults.replace({ fail_next: 1, latency_ms: { min: 5, max: 5 }, scope: 'authorize' });

    expect(faults.plan(false)).toEqual({ latencyMs: 0, action: { kind: 'none' } });
    expect(faults.plan(true)).toEqual({ latencyMs: 5, action: { kind: 'unavailable' } });
    expect(faults.plan(true).action.kind).toBe('none');
  });

  it('shows what is left of the countdowns', () => {
    const faults = new FaultInjector();
    faults.replace({ fail_next: 2, fail_after_commit_next: 1 });

    faults.plan(true);
    faults.takeFailAfterCommit();

    expect(faults.current()).toEqual({ fail_next: 1, fail_after_commit_next: 0 });
    expect(faults.takeFailAfterCommit()).toBe(false);
  });
});
