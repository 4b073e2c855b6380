import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemorySignInThrottle } from '../../../test/doubles/in-memory-sign-in-throttle.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { InMemoryCredentialsRepository } from '../../../test/doubles/in-memory-credentials-repository.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { InMemoryUserRepository } from '../../../test/doubles/in-memory-user-repository.ts';
import { InvalidCredentialsError, SignInThrottledError } from '../../domain/identity/authentication.errors.ts';
import type { PasswordHasher } from '../../domain/identity/password-hasher.ts';
import { sessionLifetime } from '../../domain/identity/session.ts';
import { delayAfterAttempt } from '../../domain/identity/sign-in-throttle.ts';
import { Login } from './login.use-case.ts';
import { Register } from './register.use-case.ts';

class CountingHasher implements PasswordHasher {
  verifications = 0;
  hash(password: string): Promise<string> {
    return Promise.resolve(`h$${password}`);
  }
  verify(hash: string, password: string): Promise<boolean> {
    this.verifications += 1;
    return Promise.resolve(hash === `h$${password}`);
  }
}

const PASSWORD = 'correct horse battery staple';
const POLICY = { freeAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 4_000, forgetAfterMs: 60_000 };
const ctx = testContext();
let clock: number;
let hasher: CountingHasher;
let login: Login;

beforeEach(async () => {
  clock = Date.parse('2030-01-01T08:00:00Z');
  const users = new InMemoryUserRepository(() => new Date(clock));
  const credentials = new InMemoryCredentialsRepository(users);
  hasher = new CountingHasher();
  const lifetime = sessionLifetime(60_000, 600_000);
  login = new Login(credentials, users, hasher, new InMemorySessionStore({ idleTtlMs: 60_000, now: () => new Date(clock) }), new InMemorySignInThrottle(POLICY, () => clock), lifetime, () => new Date(clock));
  await new Register(credentials, hasher, uuidv7).execute(ctx, { name: 'Ada', email: 'ada@example.com', password: PASSWORD });
});

const attempt = (password: string, email = 'ada@example.com') => login.execute(ctx, { email, password }).catch((error: unknown) => error);

describe('Login under the per-account throttle', () => {
  it.each([
    [1, 0],
    [3, 0],
    [4, 1_000],
    [5, 2_000],
    [6, 4_000],
    [60, 4_000],
  ])('when the attempt is the %i-th in a row, then it starts a wait of %i ms (doubling, capped)', (n, wait) => {
    expect(delayAfterAttempt(POLICY, n)).toBe(wait);
  });

  it('when the free attempts are used up, then the next attempt during the wait is refused with its retry time, without a password check, even with the right password', async () => {
    for (let i = 0; i < 4; i += 1) expect(await attempt('wrong')).toBeInstanceOf(InvalidCredentialsError);
    const checked = hasher.verifications;

    const refused = await attempt(PASSWORD);

    expect(refused).toBeInstanceOf(SignInThrottledError);
    expect((refused as SignInThrottledError).retryAfterMs).toBe(1_000);
    expect(hasher.verifications).toBe(checked);
  });

  it('when an attacker keeps trying, then the wait never grows past the cap and the owner signs in once it is over', async () => {
    for (let i = 0; i < 40; i += 1) {
      const result = await attempt('wrong');
      if (result instanceof SignInThrottledError) {
        expect(result.retryAfterMs).toBeLessThanOrEqual(POLICY.maxDelayMs);
        clock += result.retryAfterMs ?? 0;
      }
    }
    const last = await attempt(PASSWORD);
    clock += last instanceof SignInThrottledError ? (last.retryAfterMs ?? 0) : 0;

    const owner = await attempt(PASSWORD);

    expect(owner).toMatchObject({ user: { email: 'ada@example.com' } });
  });

  it('when the owner signs in, then the count starts over', async () => {
    for (let i = 0; i < 3; i += 1) await attempt('wrong');
    await attempt(PASSWORD);

    const results = [await attempt('wrong'), await attempt('wrong'), await attempt('wrong')];

    expect(results.every((result) => result instanceof InvalidCredentialsError)).toBe(true);
  });

  it('when one account is throttled, then another (or an unknown email) is not', async () => {
    for (let i = 0; i < 5; i += 1) await attempt('wrong');

    expect(await attempt('wrong', 'grace@example.com')).toBeInstanceOf(InvalidCredentialsError);
  });
});
