import type { Context } from '../shared/context.ts';
import type { NewSession, Session } from './session.ts';

export type { NewSession, Session } from './session.ts';

/**
 * Where sessions live. Every method honours `ctx.signal`; a store that cannot
 * be reached throws `DependencyUnavailableError`.
 */
export interface SessionStore {
  create(ctx: Context, session: NewSession): Promise<void>;

  /**
   * The live session with this id, or undefined when it is unknown, expired
   * or revoked. Using a session slides its expiry: it is renewed to the idle
   * TTL from now, never past its absolute expiry (a store may skip the write
   * while more than half the idle TTL remains).
   */
  find(ctx: Context, id: string): Promise<Session | undefined>;

  /** Ends one session; unknown ids are ignored. */
  revoke(ctx: Context, id: string): Promise<void>;

  /** Ends every session of the user (roles changed, password reset, user deleted). */
  revokeAllForUser(ctx: Context, userId: string): Promise<void>;
}
