import type { Role } from '../user/user.ts';

/** Who is calling: an authenticated user with the roles their session carries. */
export interface Principal {
  readonly userId: string;
  readonly roles: readonly Role[];
  /** The hash of the session token, so the session can be ended. */
  readonly sessionId: string;
}

export function isAdmin(principal: Principal | undefined): boolean {
  return principal?.roles.includes('admin') ?? false;
}
