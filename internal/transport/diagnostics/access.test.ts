import { describe, expect, it } from 'vitest';
import { bindProblem, isLoopbackHost } from './access.ts';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('when the host is %s, then it is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'ordersvc.internal', '', '128.0.0.1'])('when the host is "%s", then it is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('bindProblem', () => {
  it('when bound to loopback without a token, then there is no problem', () => {
    expect(bindProblem('127.0.0.1', '')).toBeUndefined();
  });

  it('when bound elsewhere with a token, then there is no problem', () => {
    expect(bindProblem('0.0.0.0', 'secret')).toBeUndefined();
  });

  it('when bound elsewhere without a token, then the problem names the address and the setting', () => {
    expect(bindProblem('0.0.0.0', '')).toMatch(/0\.0\.0\.0.*DIAGNOSTICS_TOKEN/);
  });
});
