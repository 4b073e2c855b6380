import { describe, expect, it } from 'vitest';
import { flagCatalog } from '../../internal/domain/flags/flag-catalog.ts';
import { withConfiguredDefaults } from './flags.ts';

const catalog = flagCatalog(['order-confirmation']);
const defaultOf = (json: string, key: string) => withConfiguredDefaults(catalog, json).find((flag) => flag.key === key)?.default;

describe('FLAGS_DEFAULTS', () => {
  it('when it sets a known flag, then that default replaces the built-in one and the others stay', () => {
    expect(defaultOf('{"orders.placement.paused":{"enabled":true,"rollout_percent":null}}', 'orders.placement.paused')).toEqual({ enabled: true, rolloutPercent: undefined });
    expect(defaultOf('{"release.canary":{"enabled":true,"rollout_percent":5}}', 'release.canary')).toEqual({ enabled: true, rolloutPercent: 5 });
    expect(defaultOf('{}', 'release.canary')).toEqual({ enabled: true, rolloutPercent: 0 });
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"no.such.flag":{"enabled":true}}', /there is no flag no\.such\.flag/],
    ['{"cache.bypass":{"enabled":"yes"}}', /cache\.bypass must be/],
    ['{"release.canary":{"enabled":true,"rollout_percent":101}}', /release\.canary must be/],
  ])('when it is %s, then the boot stops with a message saying why', (json, message) => {
    expect(() => withConfiguredDefaults(catalog, json)).toThrow(message);
  });
});
