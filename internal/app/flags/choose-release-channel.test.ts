import { describe, expect, it } from 'vitest';
import { asAdmin, asCustomer, testContext } from '../../../test/support/test-context.ts';
import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import type { RolloutVariant } from '../../domain/flags/flag.ts';
import type { ReleaseChannel } from '../../domain/flags/release-channel.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ChooseReleaseChannel } from './choose-release-channel.use-case.ts';

const canaryIs = (variant: RolloutVariant): FeatureFlags => ({
  isEnabled: () => Promise.resolve(variant === 'cohort'),
  variantOf: () => Promise.resolve(variant),
});

const choose = (variant: RolloutVariant, ctx: Context, asked: ReleaseChannel | undefined) =>
  new ChooseReleaseChannel(canaryIs(variant), { choosable: ['stable', 'canary'], chooserRoles: ['admin'] }).execute(ctx, asked);

describe('ChooseReleaseChannel', () => {
  it.each([
    ['an admin', 'canary', 'rest', 'canary'],
    ['an admin', 'stable', 'cohort', 'stable'],
    ['an admin', undefined, 'rest', 'stable'],
    ['a customer', 'canary', 'rest', 'stable'],
    ['a customer', undefined, 'cohort', 'canary'],
    ['a customer', 'stable', 'cohort', 'canary'],
    ['an admin', 'canary', 'off', 'stable'],
    ['a customer', undefined, 'off', 'stable'],
    ['an anonymous caller', 'canary', 'rest', 'stable'],
  ] as const)('when %s asks for %s and the rollout says %s, then the channel is %s', async (who, asked, variant, expected) => {
    const ctx = who === 'an admin' ? asAdmin() : who === 'a customer' ? asCustomer('00000000-0000-7000-8000-0000000000c1') : testContext();
    expect(await choose(variant, ctx, asked)).toBe(expected);
  });

  it('when only some channels may be chosen, then asking for another is ignored', async () => {
    const chooser = new ChooseReleaseChannel(canaryIs('rest'), { choosable: ['stable'], chooserRoles: ['admin'] });
    expect(await chooser.execute(asAdmin(), 'canary')).toBe('stable');
  });
});
