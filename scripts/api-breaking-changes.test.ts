import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareContracts, semverGreater } from './api-breaking-changes.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/openapi', name), 'utf8');

describe('the breaking-change check of the contract', () => {
  it('when a response field is removed and the version stays, then the check fails and names the change', () => {
    const result = compareContracts(fixture('base.yaml'), fixture('removed-response-field.yaml'));

    expect(result.ok).toBe(false);
    expect(result.breaking.map((change) => change.path)).toContainEqual(expect.stringContaining('total'));
  });

  it('when a response field is removed and info.version is bumped, then the check passes', () => {
    const bumped = fixture('removed-response-field.yaml').replace('version: 1.0.0', 'version: 2.0.0');

    expect(compareContracts(fixture('base.yaml'), bumped)).toMatchObject({ ok: true, versionBefore: '1.0.0', versionAfter: '2.0.0' });
  });

  it('when an optional response field is added, then nothing is breaking and the check passes', () => {
    expect(compareContracts(fixture('base.yaml'), fixture('added-optional-field.yaml'))).toMatchObject({ ok: true, breaking: [] });
  });

  it('when the contract is compared with itself, then nothing is breaking', () => {
    const contract = readFileSync(join(import.meta.dirname, '../api/openapi.yaml'), 'utf8');

    expect(compareContracts(contract, contract).breaking).toEqual([]);
  });

  it('when versions are compared, then they compare as semver', () => {
    expect(semverGreater('0.2.0', '0.1.9')).toBe(true);
    expect(semverGreater('0.10.0', '0.9.0')).toBe(true);
    expect(semverGreater('1.0.0', '1.0.0')).toBe(false);
    expect(semverGreater('1.0.0-rc.1', '0.9.0')).toBe(true);
  });
});
