import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let admin: SignedIn;
let counter = 0;

function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${counter}.${Date.now()}@example.com`;
}

async function createUser(body: { name?: string; email?: string; roles?: ('customer' | 'admin')[] } = {}) {
  const { data, response } = await admin.api.POST('/v1/users', {
    body: { name: body.name ?? 'Ada Lovelace', email: body.email ?? uniqueEmail(), ...(body.roles ? { roles: body.roles } : {}) },
  });
  expect(response.status).toBe(201);
  return { user: data!, etag: response.headers.get('etag')! };
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
});

afterAll(async () => {
  await app?.stop();
});

describe('POST /v1/users', () => {
  it('when the body is valid, then the user is created as a customer with a Location, an ETag and the trace id', async () => {
    const email = uniqueEmail('Grace');
    const { data, response } = await admin.api.POST('/v1/users', { body: { name: '  Grace Hopper ', email } });

    expect(response.status).toBe(201);
    expect(data).toMatchObject({ name: 'Grace Hopper', email, roles: ['customer'] });
    expect(response.headers.get('location')).toBe(`/v1/users/${data!.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when roles are given, then they are stored', async () => {
    const { user } = await createUser({ roles: ['admin', 'customer'] });

    expect(user.roles).toEqual(['admin', 'customer']);
  });

  it('when the email differs from an existing one only in letter case, then it is 409 and no second user exists', async () => {
    const email = uniqueEmail('case');
    await createUser({ email });

    const { error, response } = await admin.api.POST('/v1/users', { body: { name: 'Other', email: email.toUpperCase() } });

    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });
    const { rows } = await app.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE lower(email) = lower($1)', [email]);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});

describe('GET /v1/users/{id}', () => {
  it('when the user exists, then it is returned with its ETag', async () => {
    const { user } = await createUser();

    const { data, response } = await admin.api.GET('/v1/users/{id}', { params: { path: { id: user.id } } });

    expect(data).toEqual(user);
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('when no user has the id, then it is 404 USER_NOT_FOUND', async () => {
    const { error, response } = await admin.api.GET('/v1/users/{id}', { params: { path: { id: '0190f3a0-0000-7000-8000-000000000000' } } });

    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});

describe('GET /v1/users', () => {
  it('when paging with a cursor while rows are inserted between requests, then no row is skipped or repeated', async () => {
    const existing = (await app.database.db.selectFrom('users').select('id').execute()).map((row) => row.id);
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) created.push((await createUser()).user.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data } = await admin.api.GET('/v1/users', { params: { query: { limit: 3, ...(cursor ? { cursor } : {}) } } });
      seen.push(...data!.items.map((item) => item.id));
      cursor = data!.next_cursor ?? undefined;
      pages += 1;
      if (pages === 2) created.push((await createUser()).user.id);
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([...existing, ...created]));
    expect(seen).toHaveLength(existing.length + created.length);
  });

  it('when no limit is given, then at most 50 users come back', async () => {
    const { data } = await admin.api.GET('/v1/users');

    expect(data!.items.length).toBeLessThanOrEqual(50);
  });
});

describe('PATCH /v1/users/{id}', () => {
  it('when If-Match carries the current ETag, then the change is saved and the ETag moves on', async () => {
    const { user, etag } = await createUser();

    const { data, response } = await admin.api.PATCH('/v1/users/{id}', {
      params: { path: { id: user.id }, header: { 'If-Match': etag } },
      body: { name: 'Ada King', roles: ['admin'] },
    });

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ id: user.id, name: 'Ada King', roles: ['admin'], email: user.email });
    expect(response.headers.get('etag')).toBe('"2"');
    expect(Date.parse(data!.updated_at)).toBeGreaterThanOrEqual(Date.parse(user.updated_at));
  });

  it('when If-Match is stale, then it is 412 and nothing changes', async () => {
    const { user, etag } = await createUser();
    await admin.api.PATCH('/v1/users/{id}', { params: { path: { id: user.id }, header: { 'If-Match': etag } }, body: { name: 'First' } });

    const { error, response } = await admin.api.PATCH('/v1/users/{id}', {
      params: { path: { id: user.id }, header: { 'If-Match': etag } },
      body: { name: 'Second' },
    });

    expect(response.status).toBe(412);
    expect(error).toMatchObject({ code: 'PRECONDITION_FAILED' });
    const { data } = await admin.api.GET('/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(data!.name).toBe('First');
  });

  it('when If-Match is missing, then it is 428 and nothing changes', async () => {
    const { user } = await createUser();

    const { error, response } = await admin.api.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: { name: 'Nope' } });

    expect(response.status).toBe(428);
    expect(error).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
    const { data } = await admin.api.GET('/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(data!.name).toBe(user.name);
  });

  it('when the new email belongs to someone else, then it is 409 and nothing changes', async () => {
    const { user: other } = await createUser();
    const { user, etag } = await createUser();

    const { error, response } = await admin.api.PATCH('/v1/users/{id}', {
      params: { path: { id: user.id }, header: { 'If-Match': etag } },
      body: { email: other.email.toUpperCase() },
    });

    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'EMAIL_TAKEN' });
  });
});

describe('DELETE /v1/users/{id}', () => {
  it('when the user exists, then it is deleted and later reads are 404', async () => {
    const { user } = await createUser();

    const { response } = await admin.api.DELETE('/v1/users/{id}', { params: { path: { id: user.id } } });

    expect(response.status).toBe(204);
    const after = await admin.api.GET('/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(after.response.status).toBe(404);
  });

  it('when If-Match is stale, then it is 412 and the user stays', async () => {
    const { user } = await createUser();

    const { response } = await admin.api.DELETE('/v1/users/{id}', { params: { path: { id: user.id }, header: { 'If-Match': '"7"' } } });

    expect(response.status).toBe(412);
    const after = await admin.api.GET('/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(after.response.status).toBe(200);
  });

  it('when the user does not exist, then it is 404', async () => {
    const { response } = await admin.api.DELETE('/v1/users/{id}', { params: { path: { id: '0190f3a0-0000-7000-8000-000000000001' } } });

    expect(response.status).toBe(404);
  });
});
