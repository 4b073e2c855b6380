import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { asAdmin, testContext } from '../../../test/support/test-context.ts';
import { InMemorySignInThrottle } from '../../../test/doubles/in-memory-sign-in-throttle.ts';
import { Argon2PasswordHasher } from '../../adapter/crypto/argon2-password-hasher.ts';
import { InMemoryCredentialsRepository } from '../../../test/doubles/in-memory-credentials-repository.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { InMemoryUserRepository } from '../../../test/doubles/in-memory-user-repository.ts';
import { InvalidCredentialsError } from '../../domain/identity/authentication.errors.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import type { Principal } from '../../domain/identity/principal.ts';
import { sessionLifetime } from '../../domain/identity/session.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { ANY_VERSION } from '../../domain/shared/version.ts';
import { EmailTakenError } from '../../domain/user/user.errors.ts';
import { CreateUser } from '../users/create-user.use-case.ts';
import { Authenticate } from './authenticate.use-case.ts';
import { CreateAdmin } from './create-admin.use-case.ts';
import { GetCurrentUser } from './get-current-user.use-case.ts';
import { Login } from './login.use-case.ts';
import { Logout } from './logout.use-case.ts';
import { Register } from './register.use-case.ts';

/** Cheap and transparent; records what it was asked to verify. */
class FakePasswordHasher implements PasswordHasher {
  readonly verified: string[] = [];
  hashes = 0;

  hash(password: string): Promise<string> {
    this.hashes += 1;
    return Promise.resolve(`fake$${password}`);
  }

  verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash);
    return Promise.resolve(hash === `fake$${password}`);
  }
}

const PASSWORD = 'correct horse battery staple';
const lifetime = sessionLifetime(30 * 60_000, 12 * 60 * 60_000);
const ctx = testContext();
const as = (principal: Principal): Context => ({ ...ctx, principal });

let clock: number;
let users: InMemoryUserRepository;
let credentials: InMemoryCredentialsRepository;
let sessions: InMemorySessionStore;
let hasher: FakePasswordHasher;
let register: Register;
let login: Login;
let throttle: InMemorySignInThrottle;
const THROTTLE = { freeAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000 };
let authenticate: Authenticate;

beforeEach(() => {
  clock = Date.parse('2030-01-01T08:00:00Z');
  const now = () => new Date(clock);
  users = new InMemoryUserRepository(now);
  credentials = new InMemoryCredentialsRepository(users);
  sessions = new InMemorySessionStore({ idleTtlMs: lifetime.idleTtlMs, now });
  hasher = new FakePasswordHasher();
  register = new Register(credentials, hasher, uuidv7);
  throttle = new InMemorySignInThrottle(THROTTLE, () => clock);
  login = new Login(credentials, users, hasher, sessions, throttle, lifetime, now);
  authenticate = new Authenticate(sessions);
});

const registered = (email = 'ada@example.com') => register.execute(ctx, { name: 'Ada Lovelace', email, password: PASSWORD });
const signedIn = async (email = 'ada@example.com') => {
  const result = await login.execute(ctx, { email, password: PASSWORD });
  return { ...result, principal: await authenticate.execute(ctx, result.token) };
};

describe('Register', () => {
  it('when a person registers, then they are a customer whose password hash (not the password) is stored', async () => {
    const user = await register.execute(ctx, { name: ' Ada Lovelace ', email: 'ada@example.com', password: PASSWORD });

    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', roles: ['customer'], version: 1 });
    expect(await credentials.findByEmail(ctx, 'ada@example.com')).toEqual({ userId: user.id, passwordHash: `fake$${PASSWORD}` });
  });

  it('when the email is taken in another letter case, then EmailTakenError is thrown', async () => {
    await registered('ada@example.com');

    await expect(registered('ADA@example.com')).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('when several fields are wrong, then one ValidationError names each of them and nothing is hashed or stored', async () => {
    const registering = register.execute(ctx, { name: ' ', email: 'nope', password: 'short' });

    await expect(registering).rejects.toBeInstanceOf(ValidationError);
    await expect(registering).rejects.toMatchObject({ issues: [{ field: 'name' }, { field: 'email' }, { field: 'password' }] });
    expect(hasher.hashes).toBe(0);
    expect(await users.list(ctx, { limit: 10 })).toEqual([]);
  });

  it('when the password is typed decomposed at registration and composed at login, then login works', async () => {
    const password = 'crème brûlée à la carte';
    await register.execute(ctx, { name: 'Ada', email: 'ada@example.com', password: password.normalize('NFD') });

    const result = await login.execute(ctx, { email: 'ada@example.com', password: password.normalize('NFC') });

    expect(result.user.email).toBe('ada@example.com');
  });
});

describe('Login', () => {
  it('when email and password match, then a session starts for the user with their roles and the token authenticates', async () => {
    const ada = await registered();

    const result = await login.execute(ctx, { email: 'ADA@example.com', password: PASSWORD });
    const principal = await authenticate.execute(ctx, result.token);

    expect(result.user).toEqual(ada);
    expect(result.expiresAt).toEqual(new Date(clock + lifetime.idleTtlMs));
    expect(principal).toMatchObject({ userId: ada.id, roles: ['customer'] });
    expect(principal.sessionId).not.toBe(result.token);
  });

  it('when the same user logs in twice, then each login gets its own token', async () => {
    await registered();

    const first = await login.execute(ctx, { email: 'ada@example.com', password: PASSWORD });
    const second = await login.execute(ctx, { email: 'ada@example.com', password: PASSWORD });

    expect(first.token).not.toBe(second.token);
  });

  it.each([
    ['the email is unknown', 'grace@example.com', PASSWORD],
    ['the password is wrong', 'ada@example.com', `${PASSWORD}!`],
    ['the password differs in letter case', 'ada@example.com', PASSWORD.toUpperCase()],
  ])('when %s, then InvalidCredentialsError is thrown after exactly one password verification and no session starts', async (_, email, password) => {
    await registered();

    const error = await login.execute(ctx, { email, password }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', kind: 'unauthorized', message: 'the email or the password is wrong' });
    expect(hasher.verified).toHaveLength(1);
    expect(sessions.size).toBe(0);
  });

  it('when the email is unknown, then the password is verified against a hash from the same hasher, made once', async () => {
    await login.execute(ctx, { email: 'nobody@example.com', password: PASSWORD }).catch(() => undefined);
    await login.execute(ctx, { email: 'nobody@example.com', password: PASSWORD }).catch(() => undefined);

    expect(hasher.verified).toHaveLength(2);
    expect(hasher.verified[0]).toMatch(/^fake\$/);
    expect(hasher.verified[1]).toBe(hasher.verified[0]);
    expect(hasher.hashes).toBe(1);
  });

  it('when the user has no password (created by an admin), then they cannot log in, whatever they type', async () => {
    await new CreateUser(users, uuidv7).execute(asAdmin(), { name: 'Grace', email: 'grace@example.com' });

    await expect(login.execute(ctx, { email: 'grace@example.com', password: 'no account has this password' })).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(hasher.verified).toHaveLength(1);
  });

  it('when the password is longer than any password can be, then it is refused without hashing', async () => {
    await registered();

    await expect(login.execute(ctx, { email: 'ada@example.com', password: 'x'.repeat(10_000) })).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(hasher.verified).toHaveLength(0);
  });

  it('when run with the real argon2 hasher, then an unknown email and a wrong password take about as long', async () => {
    const argon2 = new Argon2PasswordHasher();
    const slowCredentials = new InMemoryCredentialsRepository(users);
    await new Register(slowCredentials, argon2, uuidv7).execute(ctx, { name: 'Ada', email: 'ada@example.com', password: PASSWORD });
    const slowLogin = new Login(slowCredentials, users, argon2, sessions, throttle, lifetime);
    const median = async (email: string, password: string) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await slowLogin.execute(ctx, { email, password }).catch(() => undefined);
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    await median('warm-up@example.com', PASSWORD);

    const unknownEmail = await median('nobody@example.com', PASSWORD);
    const wrongPassword = await median('ada@example.com', `${PASSWORD}!`);

    expect(unknownEmail / wrongPassword).toBeGreaterThan(0.5);
    expect(unknownEmail / wrongPassword).toBeLessThan(2);
  });
});

describe('Authenticate', () => {
  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['not base64url', '!'.repeat(43)],
    ['a session id rather than a token', issueSessionToken().sessionId],
  ])('when the token is %s, then INVALID_TOKEN is thrown without asking the store', async (_, token) => {
    const aborted = { ...ctx, signal: AbortSignal.abort(new Error('the store was asked')) };

    await expect(authenticate.execute(aborted, token)).rejects.toMatchObject({ code: 'INVALID_TOKEN', kind: 'unauthorized' });
  });

  it('when the token is well-formed but unknown, then INVALID_TOKEN is thrown', async () => {
    await expect(authenticate.execute(ctx, issueSessionToken().token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('when the session was not used for the idle TTL, then INVALID_TOKEN is thrown', async () => {
    await registered();
    const { token } = await login.execute(ctx, { email: 'ada@example.com', password: PASSWORD });

    clock += lifetime.idleTtlMs;

    await expect(authenticate.execute(ctx, token)).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });

  it('when the session is used regularly, then it lives until its absolute expiry and not a moment longer', async () => {
    await registered();
    const { token } = await login.execute(ctx, { email: 'ada@example.com', password: PASSWORD });
    const end = clock + lifetime.absoluteTtlMs;

    for (clock += lifetime.idleTtlMs - 1; clock < end; clock += lifetime.idleTtlMs - 1) await authenticate.execute(ctx, token);
    clock = end;

    await expect(authenticate.execute(ctx, token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});

describe('Logout', () => {
  it('when the caller logs out, then their token stops working and their other sessions stay', async () => {
    await registered();
    const laptop = await signedIn();
    const phone = await signedIn();

    await new Logout(sessions).execute(as(laptop.principal));

    await expect(authenticate.execute(ctx, laptop.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await authenticate.execute(ctx, phone.token)).toEqual(phone.principal);
  });

  it('when nobody is signed in, then AUTHENTICATION_REQUIRED is thrown', async () => {
    await expect(new Logout(sessions).execute(ctx)).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });
});

describe('GetCurrentUser', () => {
  it('when signed in, then the user is returned as stored now', async () => {
    const ada = await registered();
    const { principal } = await signedIn();

    expect(await new GetCurrentUser(users).execute(as(principal))).toEqual(ada);
  });

  it('when the user was deleted after signing in, then INVALID_TOKEN is thrown', async () => {
    const ada = await registered();
    const { principal } = await signedIn();
    await users.delete(ctx, ada.id, ANY_VERSION);

    await expect(new GetCurrentUser(users).execute(as(principal))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('when nobody is signed in, then AUTHENTICATION_REQUIRED is thrown', async () => {
    await expect(new GetCurrentUser(users).execute(ctx)).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });
});

describe('CreateAdmin', () => {
  const ADMIN_PASSWORD = 'a long admin passphrase';
  let createAdmin: CreateAdmin;

  beforeEach(() => {
    createAdmin = new CreateAdmin(users, credentials, hasher, sessions, uuidv7);
  });

  it('when no user has the email, then an admin is created who can log in', async () => {
    const result = await createAdmin.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD, name: 'Admin' });
    const session = await login.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD });

    expect(result).toMatchObject({ outcome: 'created', user: { name: 'Admin', email: 'root@example.com', roles: ['admin'] } });
    expect(session.user.id).toBe(result.user.id);
  });

  it('when a customer has the email, then they become an admin with the new password and their sessions end', async () => {
    const ada = await registered();
    const before = await signedIn();

    const result = await createAdmin.execute(ctx, { email: 'ada@example.com', password: ADMIN_PASSWORD, name: 'Ignored' });

    expect(result).toMatchObject({ outcome: 'updated', user: { id: ada.id, name: 'Ada Lovelace', roles: ['admin', 'customer'] } });
    await expect(authenticate.execute(ctx, before.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(login.execute(ctx, { email: 'ada@example.com', password: PASSWORD })).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await login.execute(ctx, { email: 'ada@example.com', password: ADMIN_PASSWORD })).user.roles).toEqual(['admin', 'customer']);
  });

  it('when a user created without a password has the email, then they get the admin role and the password', async () => {
    await new CreateUser(users, uuidv7).execute(asAdmin(), { name: 'Grace', email: 'grace@example.com' });

    const result = await createAdmin.execute(ctx, { email: 'grace@example.com', password: ADMIN_PASSWORD, name: 'Admin' });

    expect(result.outcome).toBe('updated');
    expect((await login.execute(ctx, { email: 'grace@example.com', password: ADMIN_PASSWORD })).user.roles).toEqual(['admin', 'customer']);
  });

  it('when it runs again with the same email and password (a bootstrap at every start), then nothing changes and sessions stay', async () => {
    const first = await createAdmin.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD, name: 'Admin' });
    const { token } = await login.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD });

    const again = await createAdmin.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD, name: 'Admin' });

    expect(again).toEqual({ outcome: 'unchanged', user: first.user });
    expect(await authenticate.execute(ctx, token)).toMatchObject({ userId: first.user.id });
  });

  it('when the admin exists with another password, then the password is replaced and their sessions end', async () => {
    await createAdmin.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD, name: 'Admin' });
    const { token } = await login.execute(ctx, { email: 'root@example.com', password: ADMIN_PASSWORD });

    const result = await createAdmin.execute(ctx, { email: 'root@example.com', password: `${ADMIN_PASSWORD} v2`, name: 'Admin' });

    expect(result.outcome).toBe('updated');
    await expect(authenticate.execute(ctx, token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('when the password breaks the policy, then ValidationError points at it and nothing is created', async () => {
    const creating = createAdmin.execute(ctx, { email: 'root@example.com', password: 'root@example.com', name: 'Admin' });

    await expect(creating).rejects.toMatchObject({ issues: [{ field: 'password' }] });
    expect(await users.list(ctx, { limit: 10 })).toEqual([]);
  });
});
