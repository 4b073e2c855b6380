import { describe, expect, it } from 'vitest';
import { nextExpiry, sessionLifetime, startSession } from './session.ts';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('sessionLifetime', () => {
  it.each([
    ['an idle TTL of zero', 0, 1_000],
    ['a fractional idle TTL', 1.5, 1_000],
    ['an absolute TTL below the idle TTL', 1_000, 999],
    ['an absolute TTL that is not a number', 1_000, Number.NaN],
  ])('when given %s, then it is refused', (_, idle, absolute) => {
    expect(() => sessionLifetime(idle, absolute)).toThrow(RangeError);
  });

  it('when the absolute TTL equals the idle TTL, then it is accepted', () => {
    expect(sessionLifetime(1_000, 1_000)).toEqual({ idleTtlMs: 1_000, absoluteTtlMs: 1_000 });
  });
});

describe('startSession', () => {
  it('when a session starts, then it expires after the idle TTL and absolutely after the absolute TTL', () => {
    const session = startSession(sessionLifetime(1_000, 5_000), NOW, { id: 'h', userId: 'u', roles: ['customer'] });

    expect(session).toEqual({ id: 'h', userId: 'u', roles: ['customer'], createdAt: NOW, expiresAt: at(1_000), absoluteExpiresAt: at(5_000) });
  });
});

describe('nextExpiry', () => {
  it.each([
    ['far from the absolute expiry', 0, at(1_000)],
    ['closer to the absolute expiry than the idle TTL', 4_500, at(5_000)],
    ['past the absolute expiry', 6_000, at(5_000)],
  ])('when used %s, then the expiry is the idle TTL from now capped by the absolute expiry', (_, elapsed, expected) => {
    expect(nextExpiry(at(elapsed), at(5_000), 1_000)).toEqual(expected);
  });
});
