import type { Role } from '../user/user.ts';

/** How long a session lives: `idleTtlMs` after its last use, never more than `absoluteTtlMs` after login. */
export interface SessionLifetime {
  readonly idleTtlMs: number;
  readonly absoluteTtlMs: number;
}

/** A signed-in user's session; `id` is the hash of the token, never the token. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  /** The roles at login; a change of roles revokes the user's sessions. */
  readonly roles: readonly Role[];
  readonly createdAt: Date;
  /** Slides forward with use: the last use plus the idle TTL, capped by `absoluteExpiresAt`. */
  readonly expiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

export type NewSession = Session;

/** @throws RangeError when the TTLs are not whole positive milliseconds or idle exceeds absolute */
export function sessionLifetime(idleTtlMs: number, absoluteTtlMs: number): SessionLifetime {
  if (!Number.isSafeInteger(idleTtlMs) || idleTtlMs < 1) throw new RangeError(`the idle TTL must be a whole number of ms >= 1, got ${idleTtlMs}`);
  if (!Number.isSafeInteger(absoluteTtlMs) || absoluteTtlMs < idleTtlMs) {
    throw new RangeError(`the absolute TTL must be a whole number of ms >= the idle TTL (${idleTtlMs}), got ${absoluteTtlMs}`);
  }
  return { idleTtlMs, absoluteTtlMs };
}

export function startSession(lifetime: SessionLifetime, now: Date, owner: { id: string; userId: string; roles: readonly Role[] }): NewSession {
  const absoluteExpiresAt = new Date(now.getTime() + lifetime.absoluteTtlMs);
  return {
    id: owner.id,
    userId: owner.userId,
    roles: [...owner.roles],
    createdAt: now,
    expiresAt: nextExpiry(now, absoluteExpiresAt, lifetime.idleTtlMs),
    absoluteExpiresAt,
  };
}

/** The expiry a session gets when used at `now`: the idle TTL from now, but never past the absolute expiry. */
export function nextExpiry(now: Date, absoluteExpiresAt: Date, idleTtlMs: number): Date {
  return new Date(Math.min(now.getTime() + idleTtlMs, absoluteExpiresAt.getTime()));
}
