import type { Context } from '../../domain/shared/context.ts';
import { ANY_VERSION } from '../../domain/shared/version.ts';
import { newAccount } from '../../domain/identity/account.ts';
import type { Credentials, CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { changeUser, type User } from '../../domain/user/user.ts';
import { EmailTakenError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface CreateAdminInput {
  readonly email: string;
  readonly password: string;
  /** Used only when the user is created. */
  readonly name: string;
}

export interface CreateAdminResult {
  readonly user: User;
  /** `unchanged`: already an admin with this password, so a bootstrap at every start is harmless. */
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

/** Makes sure an admin with this email and password exists (the create-admin command, the bootstrap at start). */
export class CreateAdmin {
  readonly #users: UserRepository;
  readonly #credentials: CredentialsRepository;
  readonly #hasher: PasswordHasher;
  readonly #sessions: SessionStore;
  readonly #newId: () => string;

  constructor(users: UserRepository, credentials: CredentialsRepository, hasher: PasswordHasher, sessions: SessionStore, newId: () => string) {
    this.#users = users;
    this.#credentials = credentials;
    this.#hasher = hasher;
    this.#sessions = sessions;
    this.#newId = newId;
  }

  /** @throws ValidationError */
  async execute(ctx: Context, input: CreateAdminInput): Promise<CreateAdminResult> {
    const { user: admin, password } = newAccount(this.#newId(), input, ['admin']);
    const existing = await this.#credentials.findByEmail(ctx, admin.email);
    if (existing) return this.#promote(ctx, existing, password);
    try {
      const user = await this.#credentials.createWithPassword(ctx, admin, await this.#hasher.hash(password, ctx.signal));
      return { user, outcome: 'created' };
    } catch (error) {
      // Another replica bootstrapping at the same moment created it first.
      const raced = error instanceof EmailTakenError ? await this.#credentials.findByEmail(ctx, admin.email) : undefined;
      if (!raced) throw error;
      return this.#promote(ctx, raced, password);
    }
  }

  async #promote(ctx: Context, credentials: Credentials, password: string): Promise<CreateAdminResult> {
    const passwordIsCurrent = credentials.passwordHash !== undefined && (await this.#hasher.verify(credentials.passwordHash, password, ctx.signal));
    let promoted = false;
    const user = await this.#users.update(ctx, credentials.userId, ANY_VERSION, (current) => {
      if (current.roles.includes('admin')) return current;
      promoted = true;
      return changeUser(current, { roles: [...current.roles, 'admin'] });
    });
    if (passwordIsCurrent && !promoted) return { user, outcome: 'unchanged' };
    if (!passwordIsCurrent) await this.#credentials.setPasswordHash(ctx, user.id, await this.#hasher.hash(password, ctx.signal));
    // Sessions carry the roles of their login, and a password reset must lock out whoever knew the old one.
    await this.#sessions.revokeAllForUser(ctx, user.id);
    return { user, outcome: 'updated' };
  }
}
