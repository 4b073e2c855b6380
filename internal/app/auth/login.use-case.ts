import type { Context } from '../../domain/shared/context.ts';
import { InvalidCredentialsError, SignInThrottledError } from '../../domain/identity/authentication.errors.ts';
import { signInAccountKey, type SignInThrottle } from '../../domain/identity/sign-in-throttle.ts';
import type { CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { PASSWORD_MAX_LENGTH, normalizePassword, passwordLength } from '../../domain/identity/password.ts';
import { startSession, type SessionLifetime } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import type { User } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface LoginInput {
  readonly email: string;
  readonly password: string;
}

export interface LoginResult {
  /** The bearer token; returned once, stored nowhere. */
  readonly token: string;
  /** When the session ends unless used before; each use slides it. */
  readonly expiresAt: Date;
  readonly user: User;
}

export class Login {
  readonly #credentials: CredentialsRepository;
  readonly #users: UserRepository;
  readonly #hasher: PasswordHasher;
  readonly #sessions: SessionStore;
  readonly #throttle: SignInThrottle;
  readonly #lifetime: SessionLifetime;
  readonly #now: () => Date;
  #dummyHash: Promise<string> | undefined;

  constructor(
    credentials: CredentialsRepository,
    users: UserRepository,
    hasher: PasswordHasher,
    sessions: SessionStore,
    throttle: SignInThrottle,
    lifetime: SessionLifetime,
    now: () => Date = () => new Date(),
  ) {
    this.#credentials = credentials;
    this.#users = users;
    this.#hasher = hasher;
    this.#sessions = sessions;
    this.#throttle = throttle;
    this.#lifetime = lifetime;
    this.#now = now;
  }

  /**
   * An unknown email, a wrong password and an account without a password all
   * cost one password verification and end in the same error, so neither the
   * answer nor its timing tells which accounts exist. Attempts on one
   * account (known or not) beyond the throttle's free ones wait, ever longer
   * up to a cap; a wait is refused before any password is checked.
   * @throws InvalidCredentialsError, SignInThrottledError
   */
  async execute(ctx: Context, input: LoginInput): Promise<LoginResult> {
    const password = normalizePassword(input.password);
    // No account can have such a password; refusing it early keeps huge inputs away from the hasher.
    if (passwordLength(password) > PASSWORD_MAX_LENGTH) throw new InvalidCredentialsError();

    const account = signInAccountKey(input.email);
    const gate = await this.#throttle.begin(ctx, account);
    if (!gate.allowed) throw new SignInThrottledError(gate.retryAfterMs);

    const credentials = await this.#credentials.findByEmail(ctx, input.email);
    const storedHash = credentials?.passwordHash;
    const matches = await this.#hasher.verify(storedHash ?? (await this.#dummyHashOnce()), password, ctx.signal);
    if (!credentials || storedHash === undefined || !matches) throw new InvalidCredentialsError();

    const user = await this.#users.findById(ctx, credentials.userId);
    if (!user) throw new InvalidCredentialsError();
    const { token, sessionId } = issueSessionToken();
    const session = startSession(this.#lifetime, this.#now(), { id: sessionId, userId: user.id, roles: user.roles });
    try {
      await this.#sessions.create(ctx, session);
    } catch (error) {
      // Deleted between the password check and now.
      if (error instanceof UserNotFoundError) throw new InvalidCredentialsError();
      throw error;
    }
    await this.#throttle.succeeded(ctx, account);
    return { token, expiresAt: session.expiresAt, user };
  }

  // Made by the hasher itself, so it always carries the current cost
  // parameters and verifying against it takes as long as a real check.
  #dummyHashOnce(): Promise<string> {
    this.#dummyHash ??= this.#hasher.hash('no account has this password').catch((error: unknown) => {
      this.#dummyHash = undefined;
      throw error;
    });
    return this.#dummyHash;
  }
}
