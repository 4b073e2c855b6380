import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import { RELEASE_CANARY } from '../../domain/flags/flag-catalog.ts';
import type { ReleaseChannel } from '../../domain/flags/release-channel.ts';
import type { Role } from '../../domain/user/user.ts';
import type { Context } from '../../domain/shared/context.ts';

export interface ReleaseRouting {
  /** Channels a caller may ask for by header; others are ignored. */
  readonly choosable: readonly ReleaseChannel[];
  /** Roles whose callers may choose by header; everyone else is routed by the rollout. */
  readonly chooserRoles: readonly Role[];
}

/**
 * Which variant serves a request. The canary flag switched off sends
 * everyone to stable. Otherwise a caller allowed to choose gets the channel
 * asked for; everyone else is in the canary when the flag's rollout puts
 * their user id in its cohort (anonymous callers: stable).
 */
export class ChooseReleaseChannel {
  readonly #flags: FeatureFlags;
  readonly #routing: ReleaseRouting;

  constructor(flags: FeatureFlags, routing: ReleaseRouting) {
    this.#flags = flags;
    this.#routing = routing;
  }

  async execute(ctx: Context, requested: ReleaseChannel | undefined): Promise<ReleaseChannel> {
    const principal = ctx.principal;
    // Anonymous callers can neither choose nor be in a cohort: no flag to read (the public reads are the hot path).
    if (principal === undefined) return 'stable';
    const variant = await this.#flags.variantOf(ctx, RELEASE_CANARY, principal.userId);
    if (variant === 'off') return 'stable';
    const mayChoose = principal.roles.some((role) => this.#routing.chooserRoles.includes(role));
    if (requested !== undefined && mayChoose && this.#routing.choosable.includes(requested)) return requested;
    return variant === 'cohort' ? 'canary' : 'stable';
  }
}
