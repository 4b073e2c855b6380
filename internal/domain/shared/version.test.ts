import { describe, expect, it } from 'vitest';
import { ANY_VERSION, StaleVersionError, VersionRequiredError, versionMatches, type ExpectedVersion } from './version.ts';

describe('versionMatches', () => {
  it.each<[string, ExpectedVersion, number, boolean]>([
    ['any version', ANY_VERSION, 1, true],
    ['any version, of a later version', ANY_VERSION, 42, true],
    ['a list holding the version', { kind: 'one_of', versions: [3] }, 3, true],
    ['a list holding the version among others', { kind: 'one_of', versions: [1, 3, 5] }, 5, true],
    ['a list of other versions', { kind: 'one_of', versions: [1, 2] }, 3, false],
    ['an empty list', { kind: 'one_of', versions: [] }, 1, false],
  ])('when expecting %s, then version %i matches: %s', (_, expected, actual, matches) => {
    expect(versionMatches(expected, actual)).toBe(matches);
  });
});

describe('version errors', () => {
  it.each([
    ['StaleVersionError', new StaleVersionError('user'), 'PRECONDITION_FAILED', 'precondition_failed'],
    ['VersionRequiredError', new VersionRequiredError('user'), 'PRECONDITION_REQUIRED', 'precondition_required'],
  ])('when a %s is raised, then it carries its name, a stable code and a kind', (name, error, code, kind) => {
    expect(error).toMatchObject({ name, code, kind });
    expect(error.message).toContain('user');
  });
});
