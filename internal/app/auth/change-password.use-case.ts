import { SignInThrottledError } from '../../domain/identity/authentication.errors.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { WrongCurrentPasswordError } from '../../domain/identity/password-reset.ts';
import { normalizePassword } from '../../domain/identity/password.ts';
import { startSession, type SessionLifetime } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import { signInAccountKey, type SignInThrottle } from '../../domain/identity/sign-in-throttle.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import type { LoginResult } from './login.use-case.ts';
import { acceptNewPassword } from './new-password.ts';

export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
}

export class ChangePassword {
  readonly #credentials: CredentialsRepository;
  readonly #users: UserRepository;
  readonly #hasher: PasswordHasher;
  readonly #sessions: SessionStore;
  readonly #throttle: SignInThrottle;
  readonly #lifetime: SessionLifetime;

  constructor(credentials: CredentialsRepository, users: UserRepository, hasher: PasswordHasher, sessions: SessionStore, throttle: SignInThrottle, lifetime: SessionLifetime) {
    this.#credentials = credentials;
    this.#users = users;
    this.#hasher = hasher;
    this.#sessions = sessions;
    this.#throttle = throttle;
    this.#lifetime = lifetime;
  }

  /**
   * The signed-in user sets a new password, proving the current one (tries
   * count against the per-account sign-in limit). Every session of the user
   * ends, this one included; the caller gets a fresh session instead.
   * @throws AuthenticationRequiredError, ValidationError, WrongCurrentPasswordError, SignInThrottledError
   */
  async execute(ctx: Context, input: ChangePasswordInput): Promise<LoginResult> {
    const principal = requirePrincipal(ctx);
    const user = await this.#users.findById(ctx, principal.userId);
    if (!user) throw new AuthenticationRequiredError('INVALID_TOKEN', 'the account of this session no longer exists');
    const newPassword = acceptNewPassword(input.newPassword, user.email, 'new_password');

    const account = signInAccountKey(user.email);
    const gate = await this.#throttle.begin(ctx, account);
    if (!gate.allowed) throw new SignInThrottledError(gate.retryAfterMs);
    const credentials = await this.#credentials.findByEmail(ctx, user.email);
    const matches = credentials?.passwordHash !== undefined && (await this.#hasher.verify(credentials.passwordHash, normalizePassword(input.currentPassword), ctx.signal));
    if (!matches) throw new WrongCurrentPasswordError();
    await this.#throttle.succeeded(ctx, account);

    await this.#credentials.setPasswordHash(ctx, user.id, await this.#hasher.hash(newPassword, ctx.signal));
    await this.#sessions.revokeAllForUser(ctx, user.id);
    const { token, sessionId } = issueSessionToken();
    const session = startSession(this.#lifetime, new Date(), { id: sessionId, userId: user.id, roles: user.roles });
    await this.#sessions.create(ctx, session);
    return { token, expiresAt: session.expiresAt, user };
  }
}

