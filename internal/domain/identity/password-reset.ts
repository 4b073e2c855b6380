import { createHash, randomBytes } from 'node:crypto';
import type { Context } from '../shared/context.ts';
import { DomainError } from '../shared/domain-error.ts';

/** A one-time token to set a password, as handed to the admin (once) and as stored (hashed). */
export interface IssuedResetToken {
  readonly token: string;
  readonly tokenHash: string;
}

// 32 random bytes, base64url: 43 characters.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function issueResetToken(): IssuedResetToken {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: resetTokenHash(token) };
}

/** What the store keys a token by: a leaked table holds nothing that sets a password. */
export function resetTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isWellFormedResetToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Password reset tokens: at most one live per user, each usable once. */
export interface PasswordResetTokens {
  /** Stores the token for the user, replacing any earlier one. @throws UserNotFoundError */
  issue(ctx: Context, reset: { readonly userId: string; readonly tokenHash: string; readonly expiresAt: Date }): Promise<void>;
  /** Whose live (unexpired) token this is; the token stays. */
  find(ctx: Context, tokenHash: string): Promise<string | undefined>;
  /** Deletes the token and says whose it was, when it exists and has not expired; atomically, so it works once. */
  redeem(ctx: Context, tokenHash: string): Promise<string | undefined>;
}

/** The reset token is unknown, used or expired. */
export class InvalidResetTokenError extends DomainError {
  readonly code = 'INVALID_RESET_TOKEN';
  readonly kind = 'invalid';

  constructor() {
    super('the password reset token is unknown, already used or expired; ask an admin for a new one');
  }
}

/** Changing one's password needs the current one, and it was wrong. */
export class WrongCurrentPasswordError extends DomainError {
  readonly code = 'WRONG_PASSWORD';
  readonly kind = 'forbidden';

  constructor() {
    super('the current password is wrong');
  }
}
