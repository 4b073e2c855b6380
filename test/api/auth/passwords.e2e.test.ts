import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
});

afterAll(async () => {
  await app?.stop();
});

const me = async (token: string) => (await app.clientWithToken(token).GET('/v1/auth/me')).response.status;
const login = async (email: string, password: string) => (await app.api.POST('/v1/auth/login', { body: { email, password } })).response.status;

async function registered(email: string, password: string): Promise<[SignedIn, SignedIn]> {
  await app.api.POST('/v1/auth/register', { body: { name: 'Pat', email, password } });
  return [await app.signIn(email, password), await app.signIn(email, password)];
}

describe('POST /v1/auth/password', () => {
  it('when the current password is right, then the new one works, every earlier session ends and the answer carries a fresh one', async () => {
    const [here, elsewhere] = await registered('change@example.com', 'the first long passphrase');

    const { data, response } = await here.api.POST('/v1/auth/password', { body: { current_password: 'the first long passphrase', new_password: 'the second long passphrase' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await me(here.token)).toBe(401);
    expect(await me(elsewhere.token)).toBe(401);
    expect(await me(data!.token)).toBe(200);
    expect(await login('change@example.com', 'the second long passphrase')).toBe(200);
    expect(await login('change@example.com', 'the first long passphrase')).toBe(401);
  });

  it.each([
    ['the current password is wrong', { current_password: 'not the passphrase', new_password: 'the second long passphrase' }, 403, 'WRONG_PASSWORD'],
    ['the new password is too short', { current_password: 'a kept long passphrase', new_password: 'short' }, 400, 'VALIDATION_FAILED'],
    ['the new password is the email', { current_password: 'a kept long passphrase', new_password: 'keep.change@example.com' }, 400, 'VALIDATION_FAILED'],
  ])('when %s, then it is refused with the status and code for it, and nothing changes', async (_, body, status, code) => {
    const email = `keep.${Math.random().toString(16).slice(2)}@example.com`;
    const [here] = await registered(email, 'a kept long passphrase');
    const request = { ...body, new_password: body.new_password.replace('keep.change@example.com', email) };

    const { error, response } = await here.api.POST('/v1/auth/password', { body: request });

    expect(response.status).toBe(status);
    expect(error).toMatchObject({ code });
    expect(await me(here.token)).toBe(200);
    expect(await login(email, 'a kept long passphrase')).toBe(200);
  });

  it('when no token is sent, then it is 401', async () => {
    const { response } = await app.api.POST('/v1/auth/password', { body: { current_password: 'x', new_password: 'the second long passphrase' } });

    expect(response.status).toBe(401);
  });
});

describe('password reset issued by an admin', () => {
  async function userWithoutPassword(email: string): Promise<string> {
    const { data } = await admin.api.POST('/v1/users', { body: { name: 'Seeded', email } });
    return data!.id;
  }

  it('when an admin issues a token for a user created without a password, then the user sets one with it, once, and signs in', async () => {
    const id = await userWithoutPassword('seeded@example.com');
    expect(await login('seeded@example.com', 'the chosen long passphrase')).toBe(401);

    const issued = await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id } } });
    const token = issued.data!.token;
    const weak = await app.api.POST('/v1/auth/password-reset', { body: { token, new_password: 'short' } });
    const redeemed = await app.api.POST('/v1/auth/password-reset', { body: { token, new_password: 'the chosen long passphrase' } });
    const again = await app.api.POST('/v1/auth/password-reset', { body: { token, new_password: 'another long passphrase' } });

    expect(issued.response.status).toBe(201);
    expect(issued.response.headers.get('cache-control')).toBe('no-store');
    expect(Date.parse(issued.data!.expires_at)).toBeGreaterThan(Date.now());
    expect(weak.response.status).toBe(400);
    expect(redeemed.response.status).toBe(204);
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ code: 'INVALID_RESET_TOKEN' });
    expect(await login('seeded@example.com', 'the chosen long passphrase')).toBe(200);
    const { rows } = await app.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM password_resets WHERE user_id = $1', [id]);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('when a user with sessions redeems a token, then those sessions end', async () => {
    const [session] = await registered('forgot@example.com', 'a forgotten passphrase');
    const { data } = await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id: session.user.id } } });

    await app.api.POST('/v1/auth/password-reset', { body: { token: data!.token, new_password: 'a remembered passphrase' } });

    expect(await me(session.token)).toBe(401);
    expect(await login('forgot@example.com', 'a remembered passphrase')).toBe(200);
  });

  it('when the token has expired or a newer one was issued, then it is 400 INVALID_RESET_TOKEN and the password stays unset', async () => {
    const id = await userWithoutPassword('late@example.com');
    const first = (await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id } } })).data!.token;
    const second = (await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id } } })).data!.token;
    await app.database.pool.query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1", [id]);

    const results = await Promise.all([first, second, 'a'.repeat(43), 'garbage'].map((token) => app.api.POST('/v1/auth/password-reset', { body: { token, new_password: 'the chosen long passphrase' } })));

    expect(results.map((result) => result.response.status)).toEqual([400, 400, 400, 400]);
    expect(results.map((result) => (result.error as { code?: string }).code)).toEqual(Array(4).fill('INVALID_RESET_TOKEN'));
    expect(await login('late@example.com', 'the chosen long passphrase')).toBe(401);
  });

  it('when a customer asks for a reset token, then it is 403; for an unknown user, 404', async () => {
    const customer = await app.customer();

    const forbidden = await customer.api.POST('/v1/users/{id}/password-reset', { params: { path: { id: customer.user.id } } });
    const unknown = await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id: '0199a3b0-7c1e-7cc2-8a7e-3c1b5f0e6d21' } } });

    expect(forbidden.response.status).toBe(403);
    expect(unknown.response.status).toBe(404);
  });
});
