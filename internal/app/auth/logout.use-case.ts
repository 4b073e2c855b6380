import type { Context } from '../../domain/shared/context.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { requirePrincipal } from '../access/access-policy.ts';

/** Ends the caller's own session; their other sessions stay. */
export class Logout {
  readonly #sessions: SessionStore;

  constructor(sessions: SessionStore) {
    this.#sessions = sessions;
  }

  /** @throws AuthenticationRequiredError */
  async execute(ctx: Context): Promise<void> {
    const principal = requirePrincipal(ctx);
    await this.#sessions.revoke(ctx, principal.sessionId);
  }
}
