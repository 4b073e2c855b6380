import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let adminToken: string;
let existingId: string;
const EXISTING_EMAIL = 'taken@example.com';

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly template: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

async function send(request: RawRequest): Promise<Response> {
  const response = await fetch(app.baseUrl + request.path, {
    method: request.method,
    headers: { authorization: `Bearer ${adminToken}`, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return response;
}

async function snapshot(): Promise<unknown> {
  const { rows } = await sql`SELECT u.*, array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role) AS roles FROM users u ORDER BY id`.execute(app.database.db);
  return rows;
}

const json = { 'content-type': 'application/json' };
const validBody = JSON.stringify({ name: 'Valid Name', email: 'fresh@example.com' });

beforeAll(async () => {
  app = await startTestApp({ HTTP_BODY_LIMIT_BYTES: String(64 * 1024) });
  const admin = await app.admin();
  adminToken = admin.token;
  const { data } = await admin.api.POST('/v1/users', { body: { name: 'Existing', email: EXISTING_EMAIL } });
  existingId = data!.id;
});

afterAll(async () => {
  await app?.stop();
});

describe('bad input', () => {
  it.each<[string, number, string, () => RawRequest]>([
    ['an unknown route', 404, 'ROUTE_NOT_FOUND', () => ({ method: 'GET', path: '/v1/nope', template: '' })],
    ['a wrong method', 405, 'METHOD_NOT_ALLOWED', () => ({ method: 'PUT', path: `/v1/users/${existingId}`, template: '', body: validBody, headers: json })],
    ['malformed JSON', 400, 'MALFORMED_JSON', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: '{"name": "x",', headers: json })],
    ['a wrong content type', 415, 'UNSUPPORTED_MEDIA_TYPE', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: validBody, headers: { 'content-type': 'text/plain' } })],
    ['form encoding', 415, 'UNSUPPORTED_MEDIA_TYPE', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: 'name=x&email=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
    ['a body over the limit', 413, 'PAYLOAD_TOO_LARGE', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'x'.repeat(70 * 1024), email: 'big@example.com' }), headers: json })],
    ['a duplicate email', 409, 'EMAIL_TAKEN', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'Dup', email: EXISTING_EMAIL.toUpperCase() }), headers: json })],
    ['a malformed id', 400, 'VALIDATION_FAILED', () => ({ method: 'GET', path: '/v1/users/not-a-uuid', template: '/v1/users/{id}' })],
    ['a malformed id on delete', 400, 'VALIDATION_FAILED', () => ({ method: 'DELETE', path: '/v1/users/123', template: '/v1/users/{id}' })],
    ['a missing field', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'No Email' }), headers: json })],
    ['an unknown field', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'X', email: 'x@example.com', admin: true }), headers: json })],
    ['an invalid email', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'X', email: 'not-an-email' }), headers: json })],
    ['an unknown role', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 'X', email: 'r@example.com', roles: ['root'] }), headers: json })],
    ['a blank name', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: '   ', email: 'b@example.com' }), headers: json })],
    ['a name that is a number', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: 42, email: 'n@example.com' }), headers: json })],
    ['a JSON array body', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: '[]', headers: json })],
    ['a JSON null body', 400, 'VALIDATION_FAILED', () => ({ method: 'POST', path: '/v1/users', template: '/v1/users', body: 'null', headers: json })],
    ['an empty patch', 400, 'VALIDATION_FAILED', () => ({ method: 'PATCH', path: `/v1/users/${existingId}`, template: '/v1/users/{id}', body: '{}', headers: { ...json, 'if-match': '"1"' } })],
    ['a limit of 0', 400, 'VALIDATION_FAILED', () => ({ method: 'GET', path: '/v1/users?limit=0', template: '/v1/users' })],
    ['a limit of 101', 400, 'VALIDATION_FAILED', () => ({ method: 'GET', path: '/v1/users?limit=101', template: '/v1/users' })],
    ['a limit that is not a number', 400, 'VALIDATION_FAILED', () => ({ method: 'GET', path: '/v1/users?limit=ten', template: '/v1/users' })],
    ['an unknown query parameter', 400, 'VALIDATION_FAILED', () => ({ method: 'GET', path: '/v1/users?offset=10', template: '/v1/users' })],
    ['a forged cursor', 400, 'INVALID_CURSOR', () => ({ method: 'GET', path: '/v1/users?cursor=bm90LWEtY3Vyc29y', template: '/v1/users' })],
    ['a stale If-Match', 412, 'PRECONDITION_FAILED', () => ({ method: 'PATCH', path: `/v1/users/${existingId}`, template: '/v1/users/{id}', body: '{"name":"Changed"}', headers: { ...json, 'if-match': '"99"' } })],
    ['a missing If-Match', 428, 'PRECONDITION_REQUIRED', () => ({ method: 'PATCH', path: `/v1/users/${existingId}`, template: '/v1/users/{id}', body: '{"name":"Changed"}', headers: json })],
  ])('when the request has %s, then it is %i %s as problem+json and nothing changes', async (_case, status, code, build) => {
    const request = build();
    const before = await snapshot();

    const response = await send(request);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.clone().json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status, code, trace_id: response.headers.get('x-request-id') });
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    if (request.template) await app.contract.check(request.template, request.method, response);
    expect(await snapshot()).toEqual(before);
  });

  it('when a field is invalid, then each failing field is named with a pointer', async () => {
    const response = await send({ method: 'POST', path: '/v1/users', template: '/v1/users', body: JSON.stringify({ name: '', email: 'nope' }), headers: json });

    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((error) => error.pointer)).toEqual(expect.arrayContaining(['/body/name', '/body/email']));
  });

  it('when a method is not allowed, then the Allow header lists the ones that are', async () => {
    const response = await send({ method: 'PUT', path: `/v1/users/${existingId}`, template: '', body: validBody, headers: json });

    expect(response.headers.get('allow')?.toUpperCase()).toContain('GET');
  });
});
