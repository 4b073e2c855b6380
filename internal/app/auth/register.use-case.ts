import type { Context } from '../../domain/shared/context.ts';
import type { CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { newAccount } from '../../domain/identity/account.ts';
import type { User } from '../../domain/user/user.ts';

export interface RegisterInput {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

/** Self-service sign-up: always a customer, with a password from the start. */
export class Register {
  readonly #credentials: CredentialsRepository;
  readonly #hasher: PasswordHasher;
  readonly #newId: () => string;

  constructor(credentials: CredentialsRepository, hasher: PasswordHasher, newId: () => string) {
    this.#credentials = credentials;
    this.#hasher = hasher;
    this.#newId = newId;
  }

  /** @throws ValidationError (every field at fault at once), EmailTakenError */
  async execute(ctx: Context, input: RegisterInput): Promise<User> {
    const { user, password } = newAccount(this.#newId(), input, ['customer']);
    const passwordHash = await this.#hasher.hash(password, ctx.signal);
    return this.#credentials.createWithPassword(ctx, user, passwordHash);
  }
}
