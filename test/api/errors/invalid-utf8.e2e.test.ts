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

/** `{"name":"Ab<FF FE>", ...rest}` as raw bytes: not UTF-8. */
function withRawBytes(rest: Record<string, unknown> = {}): Buffer {
  const tail = Object.keys(rest).length > 0 ? `,${JSON.stringify(rest).slice(1)}` : '}';
  return Buffer.concat([Buffer.from('{"name":"Ab'), Buffer.from([0xff, 0xfe]), Buffer.from(`"${tail}`)]);
}

async function send(method: string, path: string, body: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(app.baseUrl + path, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  return { response, problem: (await response.json()) as { code?: string; status?: number } };
}

describe('a JSON body that is not valid UTF-8', () => {
  it('when a registration carries the bytes FF FE in its name, then it is 400 INVALID_UTF8 as problem+json and no user is stored', async () => {
    const email = 'mangled@example.com';

    const { response, problem } = await send('POST', '/v1/auth/register', withRawBytes({ email, password: 'a long enough password' }));

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem).toMatchObject({ code: 'INVALID_UTF8', status: 400 });
    const { rows } = await app.database.pool.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });

  it('when a merge patch carries the bytes FF FE, then it is 400 and the user is unchanged', async () => {
    const { data: user } = await admin.api.POST('/v1/users', { body: { name: 'Intact', email: 'intact@example.com' } });

    const { response, problem } = await send('PATCH', `/v1/users/${user!.id}`, withRawBytes(), {
      'content-type': 'application/merge-patch+json',
      'if-match': '"1"',
      authorization: `Bearer ${admin.token}`,
    });

    expect(response.status).toBe(400);
    expect(problem.code).toBe('INVALID_UTF8');
    const { rows } = await app.database.pool.query<{ name: string; version: number }>('SELECT name, version FROM users WHERE id = $1', [user!.id]);
    expect(rows[0]).toMatchObject({ name: 'Intact', version: 1 });
  });

  it('when the same text is sent as valid UTF-8, then it is accepted as written', async () => {
    const { response } = await send('POST', '/v1/auth/register', Buffer.from(JSON.stringify({ name: 'Zoë Ünal', email: 'zoe@example.com', password: 'a long enough password' }), 'utf8'));

    expect(response.status).toBe(201);
    const { rows } = await app.database.pool.query<{ name: string }>('SELECT name FROM users WHERE email = $1', ['zoe@example.com']);
    expect(rows[0]?.name).toBe('Zoë Ünal');
  });
});
