import type { CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { InvalidResetTokenError, isWellFormedResetToken, resetTokenHash, type PasswordResetTokens } from '../../domain/identity/password-reset.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { acceptNewPassword } from './new-password.ts';

export interface RedeemPasswordResetInput {
  readonly token: string;
  readonly newPassword: string;
}

export class RedeemPasswordReset {
  readonly #resets: PasswordResetTokens;
  readonly #users: UserRepository;
  readonly #credentials: CredentialsRepository;
  readonly #hasher: PasswordHasher;
  readonly #sessions: SessionStore;

  constructor(resets: PasswordResetTokens, users: UserRepository, credentials: CredentialsRepository, hasher: PasswordHasher, sessions: SessionStore) {
    this.#resets = resets;
    this.#users = users;
    this.#credentials = credentials;
    this.#hasher = hasher;
    this.#sessions = sessions;
  }

  /**
   * Sets the password of the token's user and ends all their sessions. The
   * token works once: it is consumed first, and a password the rules refuse
   * leaves it unused. @throws InvalidResetTokenError, ValidationError
   */
  async execute(ctx: Context, input: RedeemPasswordResetInput): Promise<void> {
    if (!isWellFormedResetToken(input.token)) throw new InvalidResetTokenError();
    const tokenHash = resetTokenHash(input.token);
    const userId = await this.#resets.find(ctx, tokenHash);
    if (!userId) throw new InvalidResetTokenError();
    const user = await this.#users.findById(ctx, userId);
    if (!user) throw new InvalidResetTokenError();
    const password = acceptNewPassword(input.newPassword, user.email, 'new_password');
    const hash = await this.#hasher.hash(password, ctx.signal);
    // Consumed only now, atomically: of two concurrent redemptions one wins.
    if ((await this.#resets.redeem(ctx, tokenHash)) !== userId) throw new InvalidResetTokenError();
    await this.#credentials.setPasswordHash(ctx, userId, hash);
    await this.#sessions.revokeAllForUser(ctx, userId);
  }
}
