import type { Context } from '../../domain/shared/context.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { Principal } from '../../domain/identity/principal.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { isWellFormedSessionToken, sessionIdOf } from '../../domain/identity/session-token.ts';

/** Bearer token -> who is calling. Each successful call slides the session's expiry. */
export class Authenticate {
  readonly #sessions: SessionStore;

  constructor(sessions: SessionStore) {
    this.#sessions = sessions;
  }

  /** @throws AuthenticationRequiredError('INVALID_TOKEN') for malformed, unknown, expired or revoked tokens */
  async execute(ctx: Context, token: string): Promise<Principal> {
    // Garbage never reaches the store: no lookup, no hashing of arbitrary input.
    if (!isWellFormedSessionToken(token)) throw invalidToken();
    const session = await this.#sessions.find(ctx, sessionIdOf(token));
    if (!session) throw invalidToken();
    return { userId: session.userId, roles: session.roles, sessionId: session.id };
  }
}

function invalidToken(): AuthenticationRequiredError {
  return new AuthenticationRequiredError('INVALID_TOKEN', 'the token is malformed, unknown, expired or revoked; sign in again');
}
