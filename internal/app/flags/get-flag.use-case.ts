import type { Flag } from '../../domain/flags/flag.ts';
import { FlagNotFoundError } from '../../domain/flags/flags.errors.ts';
import type { FlagRegistry } from '../../domain/flags/flag-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

/** One flag as it applies now: admins only. */
export class GetFlag {
  readonly #flags: FlagRegistry;

  constructor(flags: FlagRegistry) {
    this.#flags = flags;
  }

  /** @throws ForbiddenError, FlagNotFoundError */
  execute(ctx: Context, key: string): Promise<Flag> {
    requireAdmin(ctx, 'read feature flags');
    const flag = this.#flags.get(key);
    if (!flag) throw new FlagNotFoundError(key);
    return Promise.resolve(flag);
  }
}
