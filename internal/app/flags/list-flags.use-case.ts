import type { Flag } from '../../domain/flags/flag.ts';
import type { FlagRegistry } from '../../domain/flags/flag-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import { requireAdmin } from '../access/access-policy.ts';

/** Every flag of the service as it applies now: admins only. */
export class ListFlags {
  readonly #flags: FlagRegistry;

  constructor(flags: FlagRegistry) {
    this.#flags = flags;
  }

  execute(ctx: Context): Promise<Flag[]> {
    requireAdmin(ctx, 'list feature flags');
    return Promise.resolve(this.#flags.all());
  }
}
