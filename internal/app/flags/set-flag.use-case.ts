import { checkFlagSetting, type Flag, type FlagSetting } from '../../domain/flags/flag.ts';
import { FlagNotFoundError } from '../../domain/flags/flags.errors.ts';
import type { FlagRegistry, FlagStore } from '../../domain/flags/flag-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import { VersionRequiredError, type ExpectedVersion } from '../../domain/shared/version.ts';
import { requireAdmin } from '../access/access-policy.ts';

export interface SetFlagInput {
  readonly key: string;
  readonly setting: FlagSetting;
  /** From If-Match; `*` sets the flag whatever its version (a kill switch in a hurry). */
  readonly expected: ExpectedVersion | undefined;
}

/**
 * An admin sets a flag: stored with who and when, and announced to every
 * replica, which apply it within their notification delay. This process
 * applies it at once, so a read right after the write sees it.
 */
export class SetFlag {
  readonly #store: FlagStore;
  readonly #flags: FlagRegistry;

  constructor(store: FlagStore, flags: FlagRegistry) {
    this.#store = store;
    this.#flags = flags;
  }

  /** @throws ForbiddenError, FlagNotFoundError, ValidationError, VersionRequiredError, StaleVersionError */
  async execute(ctx: Context, input: SetFlagInput): Promise<Flag> {
    const admin = requireAdmin(ctx, 'change feature flags');
    if (!this.#flags.get(input.key)) throw new FlagNotFoundError(input.key);
    const setting = checkFlagSetting(input.setting);
    if (!input.expected) throw new VersionRequiredError(`flag ${input.key}`);
    const stored = await this.#store.put(ctx, { key: input.key, setting, expected: input.expected, changedBy: admin.userId });
    this.#flags.apply(stored);
    ctx.log.info({ flag: input.key, enabled: stored.enabled, rolloutPercent: stored.rolloutPercent ?? null, version: stored.version, by: admin.userId }, 'feature flag changed');
    return this.#flags.get(input.key)!;
  }
}
