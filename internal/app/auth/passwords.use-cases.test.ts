import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryPasswordResetTokens } from '../../../test/doubles/in-memory-password-reset-tokens.ts';
import { InMemorySignInThrottle, NO_THROTTLE } from '../../../test/doubles/in-memory-sign-in-throttle.ts';
import { asAdmin, testContext } from '../../../test/support/test-context.ts';
import { InMemoryCredentialsRepository } from '../../../test/doubles/in-memory-credentials-repository.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { InMemoryUserRepository } from '../../../test/doubles/in-memory-user-repository.ts';
import { InvalidResetTokenError, WrongCurrentPasswordError } from '../../domain/identity/password-reset.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { sessionLifetime } from '../../domain/identity/session.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { CreateUser } from '../users/create-user.use-case.ts';
import { Authenticate } from './authenticate.use-case.ts';
import { ChangePassword } from './change-password.use-case.ts';
import { IssuePasswordReset } from './issue-password-reset.use-case.ts';
import { Login } from './login.use-case.ts';
import { RedeemPasswordReset } from './redeem-password-reset.use-case.ts';
import { Register } from './register.use-case.ts';

const hasher: PasswordHasher = {
  hash: (password) => Promise.resolve(`h$${password}`),
  verify: (hash, password) => Promise.resolve(hash === `h$${password}`),
};
const ctx = testContext();
const lifetime = sessionLifetime(60_000, 600_000);
const OLD = 'the old long passphrase';
const NEW = 'the new long passphrase';
let clock: number;
let users: InMemoryUserRepository;
let credentials: InMemoryCredentialsRepository;
let sessions: InMemorySessionStore;
let resets: InMemoryPasswordResetTokens;
let login: Login;
let authenticate: Authenticate;

beforeEach(() => {
  clock = Date.parse('2030-01-01T08:00:00Z');
  users = new InMemoryUserRepository(() => new Date(clock));
  credentials = new InMemoryCredentialsRepository(users);
  sessions = new InMemorySessionStore({ idleTtlMs: lifetime.idleTtlMs });
  resets = new InMemoryPasswordResetTokens(() => clock);
  login = new Login(credentials, users, hasher, sessions, new InMemorySignInThrottle(NO_THROTTLE), lifetime);
  authenticate = new Authenticate(sessions);
});

async function signedInCustomer(): Promise<{ ctx: Context; token: string; id: string }> {
  const user = await new Register(credentials, hasher, uuidv7).execute(ctx, { name: 'Ada', email: 'ada@example.com', password: OLD });
  const { token } = await login.execute(ctx, { email: 'ada@example.com', password: OLD });
  return { ctx: { ...ctx, principal: await authenticate.execute(ctx, token) }, token, id: user.id };
}

const changePassword = () => new ChangePassword(credentials, users, hasher, sessions, new InMemorySignInThrottle(NO_THROTTLE), lifetime);
const signsIn = (password: string) => login.execute(ctx, { email: 'ada@example.com', password }).then(() => true, () => false);

describe('ChangePassword', () => {
  it('when the current password is right, then the new one is set, every session ends and a fresh one is returned', async () => {
    const customer = await signedInCustomer();

    const result = await changePassword().execute(customer.ctx, { currentPassword: OLD, newPassword: NEW });

    await expect(authenticate.execute(ctx, customer.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await authenticate.execute(ctx, result.token)).toMatchObject({ userId: customer.id });
    expect([await signsIn(NEW), await signsIn(OLD)]).toEqual([true, false]);
  });

  it.each([
    ['the current password is wrong', { currentPassword: 'not it at all', newPassword: NEW }, WrongCurrentPasswordError],
    ['the new password breaks the registration rules', { currentPassword: OLD, newPassword: 'short' }, ValidationError],
  ])('when %s, then it is refused and nothing changes', async (_, input, error) => {
    const customer = await signedInCustomer();

    await expect(changePassword().execute(customer.ctx, input)).rejects.toBeInstanceOf(error);

    expect(await authenticate.execute(ctx, customer.token)).toMatchObject({ userId: customer.id });
    expect(await signsIn(OLD)).toBe(true);
  });
});

describe('IssuePasswordReset and RedeemPasswordReset', () => {
  const issue = () => new IssuePasswordReset(users, resets, 3_600_000, () => new Date(clock));
  const redeem = () => new RedeemPasswordReset(resets, users, credentials, hasher, sessions);

  it('when a user created without a password redeems the token an admin issued, then they sign in with it, and the token does not work twice', async () => {
    const user = await new CreateUser(users, uuidv7).execute(asAdmin(), { name: 'Ada', email: 'ada@example.com' });
    const { token, expiresAt } = await issue().execute(asAdmin(), user.id);

    await redeem().execute(ctx, { token, newPassword: NEW });

    expect(expiresAt).toEqual(new Date(clock + 3_600_000));
    expect(await signsIn(NEW)).toBe(true);
    await expect(redeem().execute(ctx, { token, newPassword: 'yet another passphrase' })).rejects.toBeInstanceOf(InvalidResetTokenError);
  });

  it('when the token has expired, then it is refused', async () => {
    const customer = await signedInCustomer();
    const { token } = await issue().execute(asAdmin(), customer.id);
    clock += 3_600_001;

    await expect(redeem().execute(ctx, { token, newPassword: NEW })).rejects.toBeInstanceOf(InvalidResetTokenError);
    expect(await signsIn(OLD)).toBe(true);
  });

  it('when the new password breaks the rules, then the token stays usable', async () => {
    const customer = await signedInCustomer();
    const { token } = await issue().execute(asAdmin(), customer.id);

    await expect(redeem().execute(ctx, { token, newPassword: 'short' })).rejects.toBeInstanceOf(ValidationError);
    await redeem().execute(ctx, { token, newPassword: NEW });

    await expect(authenticate.execute(ctx, customer.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await signsIn(NEW)).toBe(true);
  });

  it('when a customer asks for a token, then it is forbidden', async () => {
    const customer = await signedInCustomer();

    await expect(issue().execute(customer.ctx, customer.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
