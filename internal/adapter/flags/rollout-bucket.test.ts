import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { variantFor } from '../../domain/flags/flag.ts';
import { rolloutBucket } from './rollout-bucket.ts';

// Fixed ids, so the counts below are the same on every run.
const USERS = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);

describe('rollout hashing', () => {
  it('when the same flag and user are hashed again, then the bucket is the same (known value, so it is stable across releases)', () => {
    expect(rolloutBucket('release.canary', 'user-1')).toBe(rolloutBucket('release.canary', 'user-1'));
    // Pinned: a change of the hash would silently move users between variants.
    expect(rolloutBucket('release.canary', '00000000-0000-4000-8000-000000000000')).toBe(2418);
  });

  it('when a user is evaluated many times, then they always land in the same variant', () => {
    const user = randomUUID();
    const variants = new Set(Array.from({ length: 1_000 }, () => variantFor({ enabled: true, rolloutPercent: 50 }, rolloutBucket('release.canary', user))));
    expect(variants.size).toBe(1);
  });

  it('when a rollout is at 10 %, then between 9 % and 11 % of 20 000 users are in the cohort', () => {
    // Binomial(20000, 0.1) has a standard deviation of ~42 users (0.21 %): ±1 % is ~4.7 sigma; the ids are fixed, so this never flakes.
    const inside = USERS.filter((user) => variantFor({ enabled: true, rolloutPercent: 10 }, rolloutBucket('release.canary', user)) === 'cohort').length;
    expect(inside / USERS.length).toBeGreaterThan(0.09);
    expect(inside / USERS.length).toBeLessThan(0.11);
  });

  it('when a rollout grows from 10 % to 20 %, then every user of the 10 % cohort stays in it', () => {
    const at = (percent: number) => new Set(USERS.filter((user) => variantFor({ enabled: true, rolloutPercent: percent }, rolloutBucket('release.canary', user)) === 'cohort'));
    const ten = at(10);
    const twenty = at(20);
    for (const user of ten) expect(twenty.has(user)).toBe(true);
  });

  it('when two flags roll out to 10 % each, then their cohorts are independent (about 1 % are in both)', () => {
    const inBoth = USERS.filter((user) => rolloutBucket('flag.a', user) < 1_000 && rolloutBucket('flag.b', user) < 1_000).length;
    expect(inBoth / USERS.length).toBeGreaterThan(0.005);
    expect(inBoth / USERS.length).toBeLessThan(0.015);
  });

  it.each([
    [{ enabled: false, rolloutPercent: undefined }, 0, 'off'],
    [{ enabled: false, rolloutPercent: 100 }, 0, 'off'],
    [{ enabled: true, rolloutPercent: undefined }, 9_999, 'cohort'],
    [{ enabled: true, rolloutPercent: 0 }, 0, 'rest'],
    [{ enabled: true, rolloutPercent: 100 }, 9_999, 'cohort'],
    [{ enabled: true, rolloutPercent: 0.01 }, 0, 'cohort'],
    [{ enabled: true, rolloutPercent: 0.01 }, 1, 'rest'],
    [{ enabled: true, rolloutPercent: 10 }, undefined, 'rest'],
    [{ enabled: true, rolloutPercent: 100 }, undefined, 'cohort'],
  ] as const)('when the setting is %o and the bucket %s, then the variant is %s', (setting, bucket, expected) => {
    expect(variantFor(setting, bucket)).toBe(expected);
  });
});
