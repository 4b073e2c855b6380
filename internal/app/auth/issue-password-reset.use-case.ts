import { issueResetToken, type PasswordResetTokens } from '../../domain/identity/password-reset.ts';
import type { Context } from '../../domain/shared/context.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { requireAdmin } from '../access/access-policy.ts';

export interface IssuedPasswordReset {
  /** Shown to the admin once; only its hash is stored. */
  readonly token: string;
  readonly expiresAt: Date;
}

export class IssuePasswordReset {
  readonly #users: UserRepository;
  readonly #resets: PasswordResetTokens;
  readonly #ttlMs: number;
  readonly #now: () => Date;

  constructor(users: UserRepository, resets: PasswordResetTokens, ttlMs: number, now: () => Date = () => new Date()) {
    this.#users = users;
    this.#resets = resets;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /**
   * Admin only: a one-time token the user redeems to set a password (for a
   * user created without one, or who forgot theirs). It replaces any token
   * issued before; the current password and sessions stay until it is used.
   * @throws ForbiddenError, UserNotFoundError
   */
  async execute(ctx: Context, userId: string): Promise<IssuedPasswordReset> {
    requireAdmin(ctx, 'reset passwords');
    const id = userId.toLowerCase();
    if (!(await this.#users.findById(ctx, id))) throw new UserNotFoundError(id);
    const { token, tokenHash } = issueResetToken();
    const expiresAt = new Date(this.#now().getTime() + this.#ttlMs);
    await this.#resets.issue(ctx, { userId: id, tokenHash, expiresAt });
    return { token, expiresAt };
  }
}
