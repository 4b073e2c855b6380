import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { API_SPEC_PATH } from '../../../cmd/shared/project-paths.ts';
import type { components } from '../../../internal/transport/http/api-schema.d.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { revokedToken, unknownToken, untilTokenRefused } from '../../support/tokens.ts';
import { insertJobFixtures } from '../jobs/job-fixtures.ts';

type Problem = components['schemas']['Problem'];

// ---------------------------------------------------------------------------
// The contract: which operations need a token, read from api/openapi.yaml so
// that a new endpoint is covered (or makes these tests fail) automatically.
// ---------------------------------------------------------------------------

interface ContractOperation {
  readonly operationId: string;
  /** Lower case, as in the contract. */
  readonly method: string;
  readonly template: string;
  /** `GET /v1/users/{id}`, for test names. */
  readonly route: string;
  /** The documented 2xx status. */
  readonly successStatus: number;
  readonly needsToken: boolean;
}

interface SpecOperation {
  readonly operationId?: string;
  readonly security?: readonly Record<string, unknown>[];
  readonly responses?: Record<string, unknown>;
}

interface Spec {
  readonly security?: readonly Record<string, unknown>[];
  readonly paths: Record<string, Record<string, SpecOperation>>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function contractOperations(): ContractOperation[] {
  const spec = parseYaml(readFileSync(API_SPEC_PATH, 'utf8')) as Spec;
  const operations: ContractOperation[] = [];
  for (const [template, pathItem] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!HTTP_METHODS.has(method)) continue;
      const operationId = operation.operationId ?? `${method} ${template}`;
      // The operation's own `security` replaces the document's; `[]` (or an empty
      // requirement `{}` among the alternatives) means no token is needed.
      const security = operation.security ?? spec.security ?? [];
      const needsToken = security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0);
      const successStatus = Object.keys(operation.responses ?? {})
        .filter((status) => /^2\d\d$/.test(status))
        .map(Number)
        .sort((a, b) => a - b)[0];
      if (successStatus === undefined) throw new Error(`${operationId} documents no 2xx response`);
      operations.push({ operationId, method, template, route: `${method.toUpperCase()} ${template}`, successStatus, needsToken });
    }
  }
  return operations;
}

const OPERATIONS = contractOperations();
const PROTECTED = OPERATIONS.filter((operation) => operation.needsToken);
const PUBLIC = OPERATIONS.filter((operation) => !operation.needsToken);

function operation(operationId: string): ContractOperation {
  const found = OPERATIONS.find((candidate) => candidate.operationId === operationId);
  if (!found) throw new Error(`the contract has no operation ${operationId}`);
  return found;
}

// ---------------------------------------------------------------------------
// Concrete, valid requests for every operation, keyed by operationId: with the
// right caller each one succeeds (checked below), so a refusal is about the
// caller alone.
// ---------------------------------------------------------------------------

interface Fixtures {
  /** A customer created by the admin (it has no password, so it cannot sign in). */
  readonly user: { readonly id: string; readonly etag: string };
  readonly product: { readonly id: string; readonly etag: string };
  /** A paid order of the admin's (the admin places orders for themselves like anyone). */
  readonly order: { readonly id: string };
  /** A registered customer who can sign in. */
  readonly account: { readonly email: string; readonly password: string };
  /** A job waiting to run and a failed one (cancel and retry act on them). */
  readonly job: { readonly queuedId: string; readonly failedId: string };
}

interface RequestSpec {
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

type RequestBuilder = (fixtures: Fixtures) => RequestSpec;

const unique = () => randomBytes(5).toString('hex');
const uniqueEmail = (prefix = 'access') => `${prefix}.${unique()}@example.com`;
const password = () => `pw-${unique()}-long-enough`;

/** One entry per operation that needs a token. */
const PROTECTED_REQUESTS: Record<string, RequestBuilder> = {
  createUser: () => ({ body: { name: 'Created User', email: uniqueEmail('created') } }),
  listUsers: () => ({ query: { limit: '10' } }),
  getUser: ({ user }) => ({ path: { id: user.id } }),
  updateUser: ({ user }) => ({ path: { id: user.id }, headers: { 'if-match': user.etag }, body: { name: 'Renamed User' } }),
  deleteUser: ({ user }) => ({ path: { id: user.id } }),
  logout: () => ({}),
  getCurrentUser: () => ({}),
  createProduct: () => ({ body: { sku: `ACC-${unique()}`, name: 'Enamel mug', price: { amount: 1250, currency: 'EUR' }, stock: 10 } }),
  updateProduct: ({ product }) => ({ path: { id: product.id }, headers: { 'if-match': product.etag }, body: { stock: 11 } }),
  placeOrder: ({ product }) => ({
    headers: { 'idempotency-key': `access-${unique()}` },
    body: { lines: [{ product_id: product.id, quantity: 1 }], payment: { card_token: 'tok_approved' } },
  }),
  listOrders: () => ({ query: { limit: '5' } }),
  getOrder: ({ order }) => ({ path: { id: order.id } }),
  cancelOrder: ({ order }) => ({ path: { id: order.id } }),
  listUserActivity: ({ user }) => ({ path: { id: user.id }, query: { limit: '5' } }),
  streamUserActivity: ({ user }) => ({ path: { id: user.id } }),
  listJobs: () => ({ query: { limit: '5', state: 'failed' } }),
  getJob: ({ job }) => ({ path: { id: job.queuedId } }),
  retryJob: ({ job }) => ({ path: { id: job.failedId } }),
  cancelJob: ({ job }) => ({ path: { id: job.queuedId } }),
  getQueueDepths: () => ({}),
  listNotifications: () => ({ query: { limit: '5' } }),
  listSchedules: () => ({}),
  listFlags: () => ({}),
  getFlag: () => ({ path: { key: 'cache.bypass' } }),
  // Sets the default again: harmless to the other cases.
  setFlag: () => ({ path: { key: 'cache.bypass' }, headers: { 'if-match': '*' }, body: { enabled: false, rollout_percent: null } }),
  issuePasswordReset: ({ user }) => ({ path: { id: user.id } }),
  // Self-service: its control below is sent by the account holder, whose current password this is.
  changePassword: ({ account }) => ({ body: { current_password: account.password, new_password: password() } }),
  listProductSales: () => ({ query: { limit: '5' } }),
};

/** Operations a caller performs on their own account: the control sends them as the fixture's account holder. */
const SELF_SERVICE = new Set(['changePassword']);

/** One-time reset tokens for the public redeem cases, issued in their describe's beforeAll (each redeems once). */
const resetTokens: string[] = [];

/** One entry per public operation (`security: []`). */
const PUBLIC_REQUESTS: Record<string, RequestBuilder> = {
  listProducts: () => ({ query: { limit: '5' } }),
  getProduct: ({ product }) => ({ path: { id: product.id } }),
  getLiveness: () => ({}),
  getReadiness: () => ({}),
  getMetrics: () => ({}),
  register: () => ({ body: { name: 'Self Registered', email: uniqueEmail('registered'), password: password() } }),
  login: ({ account }) => ({ body: { email: account.email, password: account.password } }),
  redeemPasswordReset: () => {
    const token = resetTokens.shift();
    if (!token) throw new Error('no reset token left: issue one per redeem case');
    return { body: { token, new_password: password() } };
  },
};

const ADMIN_ONLY = ['listUsers', 'createUser', 'deleteUser', 'createProduct', 'updateProduct', 'listSchedules', 'listJobs', 'getJob', 'retryJob', 'cancelJob', 'getQueueDepths', 'listNotifications', 'listFlags', 'getFlag', 'setFlag', 'issuePasswordReset', 'listProductSales'];

function requestFor(operationId: string, fixtures: Fixtures): RequestSpec {
  const build = PROTECTED_REQUESTS[operationId] ?? PUBLIC_REQUESTS[operationId];
  if (!build) throw new Error(`no request for ${operationId}: add one to PROTECTED_REQUESTS or PUBLIC_REQUESTS`);
  return build(fixtures);
}

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for the path parameter {${name}} of ${template}`);
    return encodeURIComponent(value);
  });
}

/** Sends the request as-is (any Authorization header) and checks the response against the contract. */
async function send(target: TestApp, operationId: string, request: RequestSpec, authorization?: string): Promise<Response> {
  const { method, template } = operation(operationId);
  const url = new URL(fillPath(template, request.path ?? {}), target.baseUrl);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...request.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  await target.contract.check(template, method, response);
  // An event stream stays open: its status and headers are all these tests look at.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) await response.body?.cancel();
  return response;
}

const bearer = (token: string) => `Bearer ${token}`;

// ---------------------------------------------------------------------------
// Snapshots: "nothing changed" means the users (with roles) and products tables
// are exactly as before.
// ---------------------------------------------------------------------------

async function snapshot(database: TestDatabase): Promise<unknown> {
  const users = await database.pool.query(
    'SELECT u.*, array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role) AS roles FROM users u ORDER BY u.id',
  );
  const products = await database.pool.query('SELECT * FROM products ORDER BY id');
  return { users: users.rows, products: products.rows };
}

/** Runs `action` and fails unless the users and products tables are the same afterwards. */
async function expectNothingChanged<T>(database: TestDatabase, action: () => Promise<T>): Promise<T> {
  const before = await snapshot(database);
  const result = await action();
  expect(await snapshot(database)).toEqual(before);
  return result;
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  return (await response.json()) as Problem;
}

async function expectUnauthorized(response: Response, code: 'AUTHENTICATION_REQUIRED' | 'INVALID_TOKEN'): Promise<void> {
  expect(response.status).toBe(401);
  expect(await problemOf(response)).toMatchObject({ status: 401, code });
  // RFC 6750: a challenge, and `error="invalid_token"` when a token was sent but is no good.
  const challenge = response.headers.get('www-authenticate');
  expect(challenge).toMatch(/^Bearer\b/);
  if (code === 'INVALID_TOKEN') expect(challenge).toContain('error="invalid_token"');
}

// ---------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------

let app: TestApp;
let admin: SignedIn;
let fixtures: Fixtures;
let aRevokedToken: string;
let anUnknownToken: string;

async function registerAccount(target: TestApp): Promise<{ email: string; password: string; id: string }> {
  const account = { email: uniqueEmail('account'), password: password() };
  const { data, response } = await target.api.POST('/v1/auth/register', { body: { name: 'Account Holder', ...account } });
  expect(response.status).toBe(201);
  return { ...account, id: data!.id };
}

async function signIn(target: TestApp, account: { email: string; password: string }): Promise<{ token: string }> {
  const { data, response } = await target.api.POST('/v1/auth/login', { body: { email: account.email, password: account.password } });
  expect(response.status).toBe(200);
  return { token: data!.token };
}

/** A fresh user and product (each test that changes them gets its own). */
async function createFixtures(): Promise<Fixtures> {
  const { api } = await app.admin();
  const user = await api.POST('/v1/users', { body: { name: 'Target User', email: uniqueEmail('target') } });
  expect(user.response.status).toBe(201);
  const product = await api.POST('/v1/products', {
    body: { sku: `FIX-${unique()}`, name: 'Fixture product', price: { amount: 500, currency: 'EUR' }, stock: 5 },
  });
  expect(product.response.status).toBe(201);
  const order = await api.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': `fixture-${unique()}` } },
    body: { lines: [{ product_id: product.data!.id, quantity: 1 }], payment: { card_token: 'tok_approved' } },
  });
  expect(order.response.status).toBe(201);
  const current = await api.GET('/v1/products/{id}', { params: { path: { id: product.data!.id } } });
  return {
    user: { id: user.data!.id, etag: user.response.headers.get('etag')! },
    product: { id: product.data!.id, etag: current.response.headers.get('etag')! },
    order: { id: order.data!.id },
    account: await registerAccount(app),
    job: await insertJobFixtures(app.database),
  };
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
  fixtures = await createFixtures();
  aRevokedToken = await revokedToken(app);
  anUnknownToken = unknownToken();
});

afterAll(async () => {
  await app?.stop();
});

// ---------------------------------------------------------------------------
// 1. Every operation that needs a token refuses a missing or bad one.
// ---------------------------------------------------------------------------

interface Credential {
  readonly description: string;
  readonly code: 'AUTHENTICATION_REQUIRED' | 'INVALID_TOKEN';
  readonly authorization: () => string | undefined;
}

const BAD_CREDENTIALS: readonly Credential[] = [
  { description: 'no token', code: 'AUTHENTICATION_REQUIRED', authorization: () => undefined },
  { description: 'a malformed bearer token', code: 'INVALID_TOKEN', authorization: () => 'Bearer not-a-token' },
  {
    description: 'the Basic scheme (with the real admin credentials)',
    code: 'INVALID_TOKEN',
    authorization: () => `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_PASSWORD}`).toString('base64')}`,
  },
  { description: 'an unknown well-formed token', code: 'INVALID_TOKEN', authorization: () => bearer(anUnknownToken) },
  { description: 'a revoked token', code: 'INVALID_TOKEN', authorization: () => bearer(aRevokedToken) },
];

describe('operations that need a token', () => {
  it('when the contract has operations that need a token, then each has a request in the table and the table has no strays', () => {
    expect(PROTECTED.length).toBeGreaterThan(0);
    const missing = PROTECTED.map((op) => op.operationId).filter((id) => !(id in PROTECTED_REQUESTS));
    const strays = Object.keys(PROTECTED_REQUESTS).filter((id) => !PROTECTED.some((op) => op.operationId === id));

    expect(missing, 'operations that need a token but have no entry in PROTECTED_REQUESTS').toEqual([]);
    expect(strays, 'entries of PROTECTED_REQUESTS that are not operations needing a token').toEqual([]);
  });

  const cases = PROTECTED.flatMap((op) => BAD_CREDENTIALS.map((credential) => ({ ...op, ...credential })));

  it.each(cases)(
    'when $route ($operationId) is called with $description, then it is 401 $code with a challenge and nothing changes',
    async ({ operationId, code, authorization }) => {
      const request = requestFor(operationId, fixtures);

      const response = await expectNothingChanged(app.database, () => send(app, operationId, request, authorization()));

      await expectUnauthorized(response, code);
    },
  );

  describe('with an expired token', () => {
    let shortLived: TestApp;
    let expiredToken: string;

    beforeAll(async () => {
      // A second instance over the same database, whose sessions last 300 ms.
      shortLived = await startTestApp({ SESSION_IDLE_TTL_MS: '300', SESSION_ABSOLUTE_TTL_MS: '300' }, { database: app.database });
      expiredToken = (await shortLived.admin()).token;
      await untilTokenRefused(shortLived, expiredToken);
    });

    afterAll(async () => {
      await shortLived?.stop();
    });

    it.each(PROTECTED)(
      'when $route ($operationId) is called with an expired token, then it is 401 INVALID_TOKEN with a challenge and nothing changes',
      async ({ operationId }) => {
        const request = requestFor(operationId, fixtures);

        const response = await expectNothingChanged(app.database, () => send(shortLived, operationId, request, bearer(expiredToken)));

        await expectUnauthorized(response, 'INVALID_TOKEN');
      },
    );
  });

  // The control: the very same requests succeed for an admin, so the refusals above are about the token alone.
  it.each(PROTECTED)('when an admin sends the request for $route ($operationId), then it succeeds', async ({ operationId, successStatus }) => {
    const own = await createFixtures();
    const { token } = SELF_SERVICE.has(operationId) ? await signIn(app, own.account) : await app.admin();

    const response = await send(app, operationId, requestFor(operationId, own), bearer(token));

    expect(response.status).toBe(successStatus);
  });
});

// ---------------------------------------------------------------------------
// 2. Customers: their own user only; admin-only operations are 403.
// ---------------------------------------------------------------------------

/** The problem without what legitimately differs per request (trace id, the id asked for). */
function comparable(problem: Problem, id: string): Record<string, unknown> {
  const { trace_id: _traceId, ...rest } = problem;
  return JSON.parse(JSON.stringify(rest).replaceAll(id, '{id}')) as Record<string, unknown>;
}

describe('customers and other customers’ data', () => {
  let a: SignedIn;
  let b: SignedIn;

  beforeAll(async () => {
    a = await app.customer();
    b = await app.customer();
  });

  async function ownEtag(customer: SignedIn): Promise<string> {
    const { response } = await customer.api.GET('/v1/users/{id}', { params: { path: { id: customer.user.id } } });
    expect(response.status).toBe(200);
    return response.headers.get('etag')!;
  }

  it('when customer B reads customer A by id, then it is 404 USER_NOT_FOUND exactly as for a missing id, and nothing of A leaks', async () => {
    const missingId = randomUUID();
    const missing = await b.api.GET('/v1/users/{id}', { params: { path: { id: missingId } } });

    const probe = await b.api.GET('/v1/users/{id}', { params: { path: { id: a.user.id } } });

    expect(probe.response.status).toBe(404);
    expect(probe.error).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    expect(comparable(probe.error!, a.user.id)).toEqual(comparable(missing.error!, missingId));
    expect(probe.response.headers.get('etag')).toBeNull();
    expect(JSON.stringify(probe.error)).not.toContain(a.user.email);
    expect(JSON.stringify(probe.error)).not.toContain(a.user.name);
  });

  it.each(['listUserActivity', 'streamUserActivity'])(
    'when customer B calls %s for customer A, then it is 404 USER_NOT_FOUND exactly as for a missing id',
    async (operationId) => {
      const missingId = randomUUID();
      const missing = await send(app, operationId, requestFor(operationId, { ...fixtures, user: { id: missingId, etag: '' } }), bearer(b.token));

      const probe = await send(app, operationId, requestFor(operationId, { ...fixtures, user: { id: a.user.id, etag: '' } }), bearer(b.token));

      expect(probe.status).toBe(404);
      expect(comparable(await problemOf(probe), a.user.id)).toEqual(comparable(await problemOf(missing), missingId));
    },
  );

  it('when customer B patches customer A with A’s real ETag, then it is 404 USER_NOT_FOUND and A is unchanged', async () => {
    const etag = await ownEtag(a);

    const probe = await expectNothingChanged(app.database, () =>
      b.api.PATCH('/v1/users/{id}', {
        params: { path: { id: a.user.id }, header: { 'If-Match': etag } },
        body: { name: 'Taken Over', email: uniqueEmail('hijack') },
      }),
    );

    expect(probe.response.status).toBe(404);
    expect(probe.error).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    expect(JSON.stringify(probe.error)).not.toContain(a.user.email);
    expect(JSON.stringify(probe.error)).not.toContain(a.user.name);
    const after = await a.api.GET('/v1/users/{id}', { params: { path: { id: a.user.id } } });
    expect(after.data).toEqual(a.user);
    expect(after.response.headers.get('etag')).toBe(etag);
  });

  it.each([
    { change: 'only roles', body: { roles: ['admin' as const] } },
    { change: 'a name and roles', body: { name: 'Sneaky', roles: ['admin' as const, 'customer' as const] } },
  ])('when a customer patches their own user with $change, then it is 403 FORBIDDEN and nothing changes', async ({ body }) => {
    const customer = await app.customer();
    const etag = await ownEtag(customer);

    const { error, response } = await expectNothingChanged(app.database, () =>
      customer.api.PATCH('/v1/users/{id}', { params: { path: { id: customer.user.id }, header: { 'If-Match': etag } }, body }),
    );

    expect(response.status).toBe(403);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const me = await customer.api.GET('/v1/auth/me');
    expect(me.data).toEqual(customer.user);
    expect(me.data!.roles).toEqual(['customer']);
  });

  it('when a customer renames themselves, then it is 200 and the name is stored', async () => {
    const customer = await app.customer();
    const etag = await ownEtag(customer);

    const { data, response } = await customer.api.PATCH('/v1/users/{id}', {
      params: { path: { id: customer.user.id }, header: { 'If-Match': etag } },
      body: { name: 'New Name' },
    });

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ id: customer.user.id, name: 'New Name', email: customer.user.email, roles: ['customer'] });
    expect(response.headers.get('etag')).not.toBe(etag);
  });

  it.each(ADMIN_ONLY.map(operation))(
    'when a customer calls $route ($operationId), then it is 403 FORBIDDEN and nothing changes',
    async ({ operationId }) => {
      const request = requestFor(operationId, fixtures);

      const response = await expectNothingChanged(app.database, () => send(app, operationId, request, bearer(a.token)));

      expect(response.status).toBe(403);
      expect(await problemOf(response)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    },
  );

  it.each(ADMIN_ONLY.map(operation))(
    'when an admin calls $route ($operationId), then it succeeds',
    async ({ operationId, successStatus }) => {
      const own = await createFixtures();

      const response = await send(app, operationId, requestFor(operationId, own), bearer(admin.token));

      expect(response.status).toBe(successStatus);
    },
  );
});

// ---------------------------------------------------------------------------
// 3. Sessions end when the account's roles change or the account goes.
// ---------------------------------------------------------------------------

describe('sessions and account changes', () => {
  async function etagOf(id: string): Promise<string> {
    const { response } = await admin.api.GET('/v1/users/{id}', { params: { path: { id } } });
    expect(response.status).toBe(200);
    return response.headers.get('etag')!;
  }

  async function setRoles(id: string, roles: ('customer' | 'admin')[]): Promise<void> {
    const { response } = await admin.api.PATCH('/v1/users/{id}', { params: { path: { id }, header: { 'If-Match': await etagOf(id) } }, body: { roles } });
    expect(response.status).toBe(200);
  }

  it('when an admin changes a customer’s roles, then the customer’s old token is 401 INVALID_TOKEN', async () => {
    const customer = await app.customer();
    expect((await customer.api.GET('/v1/auth/me')).response.status).toBe(200);

    await setRoles(customer.user.id, ['admin', 'customer']);

    const response = await send(app, 'getCurrentUser', {}, bearer(customer.token));
    await expectUnauthorized(response, 'INVALID_TOKEN');
  });

  it('when an admin demotes an admin, then the old admin token is 401 INVALID_TOKEN and a new sign-in has no admin rights', async () => {
    const account = await registerAccount(app);
    await setRoles(account.id, ['admin']);
    const promoted = await app.signIn(account.email, account.password);
    expect((await promoted.api.GET('/v1/users')).response.status).toBe(200);

    await setRoles(account.id, ['customer']);

    const response = await send(app, 'listUsers', {}, bearer(promoted.token));
    await expectUnauthorized(response, 'INVALID_TOKEN');
    const again = await app.signIn(account.email, account.password);
    expect((await again.api.GET('/v1/users')).response.status).toBe(403);
  });

  it('when an admin changes only a customer’s name, then the customer’s token keeps working', async () => {
    const customer = await app.customer();

    const { response } = await admin.api.PATCH('/v1/users/{id}', {
      params: { path: { id: customer.user.id }, header: { 'If-Match': await etagOf(customer.user.id) } },
      body: { name: 'Renamed By Admin' },
    });

    expect(response.status).toBe(200);
    const me = await customer.api.GET('/v1/auth/me');
    expect(me.response.status).toBe(200);
    expect(me.data!.name).toBe('Renamed By Admin');
  });

  it('when an admin deletes a user, then that user’s token is 401 INVALID_TOKEN', async () => {
    const customer = await app.customer();

    const { response: deleted } = await admin.api.DELETE('/v1/users/{id}', { params: { path: { id: customer.user.id } } });

    expect(deleted.status).toBe(204);
    const response = await send(app, 'getCurrentUser', {}, bearer(customer.token));
    await expectUnauthorized(response, 'INVALID_TOKEN');
  });
});

// ---------------------------------------------------------------------------
// 4. Public operations need no token, and a bad one does not break them.
// ---------------------------------------------------------------------------

describe('public operations', () => {
  it('when the contract has public operations, then each has a request in the table and the table has no strays', () => {
    const missing = PUBLIC.map((op) => op.operationId).filter((id) => !(id in PUBLIC_REQUESTS));
    const strays = Object.keys(PUBLIC_REQUESTS).filter((id) => !PUBLIC.some((op) => op.operationId === id));

    expect(missing, 'public operations without an entry in PUBLIC_REQUESTS').toEqual([]);
    expect(strays, 'entries of PUBLIC_REQUESTS that are not public operations').toEqual([]);
    // The ones the rules name, so a slip of `security: []` in the contract is caught too.
    expect(PUBLIC.map((op) => op.operationId).sort()).toEqual(['getLiveness', 'getMetrics', 'getProduct', 'getReadiness', 'listProducts', 'login', 'redeemPasswordReset', 'register']);
  });

  const cases = PUBLIC.flatMap((op) => BAD_CREDENTIALS.map((credential) => ({ ...op, credential: credential.description, authorization: credential.authorization })));

  beforeAll(async () => {
    // A token is per user and redeemed once: one user for each redeem case.
    for (const _credential of BAD_CREDENTIALS) {
      const user = await admin.api.POST('/v1/users', { body: { name: 'Reset Target', email: uniqueEmail('reset') } });
      expect(user.response.status).toBe(201);
      const issued = await admin.api.POST('/v1/users/{id}/password-reset', { params: { path: { id: user.data!.id } } });
      expect(issued.response.status).toBe(201);
      resetTokens.push(issued.data!.token);
    }
  });

  it.each(cases)('when $route ($operationId) is called with $credential, then it succeeds', async ({ operationId, successStatus, authorization }) => {
    const response = await send(app, operationId, requestFor(operationId, fixtures), authorization());

    expect(response.status).toBe(successStatus);
  });
});

// ---------------------------------------------------------------------------
// 5. Sign-in does not tell which accounts exist; sign-up cannot make an admin.
// ---------------------------------------------------------------------------

describe('sign-in and sign-up', () => {
  it('when the email is unknown, the password is wrong or the account has no password, then the answers are identical 401 INVALID_CREDENTIALS', async () => {
    const { email: userWithoutPassword } = (await admin.api.GET('/v1/users/{id}', { params: { path: { id: fixtures.user.id } } })).data!;
    const attempts = [
      { email: uniqueEmail('nobody'), password: fixtures.account.password },
      { email: fixtures.account.email, password: 'not the right password' },
      { email: userWithoutPassword, password: 'any password at all' },
    ];

    const answers = await Promise.all(
      attempts.map(async (body) => {
        const response = await send(app, 'login', { body });
        const { trace_id: _traceId, ...problem } = await problemOf(response);
        return { status: response.status, challenge: response.headers.get('www-authenticate'), problem };
      }),
    );

    expect(answers[0]).toMatchObject({ status: 401, problem: { code: 'INVALID_CREDENTIALS' } });
    expect(answers[0]!.problem.detail).toBeDefined();
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it.each([
    { extra: 'roles: [admin]', fields: { roles: ['admin'] } },
    { extra: 'roles: [admin, customer]', fields: { roles: ['admin', 'customer'] } },
    { extra: 'role: admin', fields: { role: 'admin' } },
  ])('when the registration body carries $extra, then it is 400 VALIDATION_FAILED and no account is created', async ({ fields }) => {
    const email = uniqueEmail('escalate');
    const request = { body: { name: 'Would Be Admin', email, password: password(), ...fields } };

    const response = await expectNothingChanged(app.database, () => send(app, 'register', request));

    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem.errors?.some((error) => error.pointer.startsWith('/body'))).toBe(true);
  });

  it('when someone registers, then the account is a customer and is refused admin operations', async () => {
    const account = await registerAccount(app);

    const { rows } = await app.database.pool.query<{ role: string }>('SELECT role FROM user_roles WHERE user_id = $1', [account.id]);
    expect(rows.map((row) => row.role)).toEqual(['customer']);
    const signedIn = await app.signIn(account.email, account.password);
    expect(signedIn.user.roles).toEqual(['customer']);
    expect((await signedIn.api.GET('/v1/users')).response.status).toBe(403);
  });
});
