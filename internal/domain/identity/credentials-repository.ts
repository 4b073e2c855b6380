import type { Context } from '../shared/context.ts';
import type { NewUser, User } from '../user/user.ts';

export interface Credentials {
  readonly userId: string;
  /** Undefined for a user created without a password: they cannot log in. */
  readonly passwordHash: string | undefined;
}

/** Password hashes of users; kept apart from `User` so they never travel with it. */
export interface CredentialsRepository {
  /** Looks the email up regardless of letter case. */
  findByEmail(ctx: Context, email: string): Promise<Credentials | undefined>;

  /**
   * Creates the user and its password hash in one step, so no account is
   * ever left without the password it was registered with.
   * @throws EmailTakenError
   */
  createWithPassword(ctx: Context, user: NewUser, passwordHash: string): Promise<User>;

  /** @throws UserNotFoundError */
  setPasswordHash(ctx: Context, userId: string, passwordHash: string): Promise<void>;
}
