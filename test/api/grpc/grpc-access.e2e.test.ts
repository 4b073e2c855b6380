import { randomBytes } from 'node:crypto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { contractRpcs, failure, invoke, reasonOf, type Rpc } from '../../support/grpc-contract.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';
import { revokedToken, unknownToken, untilTokenRefused } from '../../support/tokens.ts';

// ---------------------------------------------------------------------------
// One case per RPC of the contract (read from the descriptor set, so a new RPC
// without a case fails the first test): who may call it and a valid request (with the right caller
// it succeeds, checked below, so a refusal is about the caller alone).
// ---------------------------------------------------------------------------

interface Fixtures {
  /** A customer the admin created (no password). */
  readonly user: { readonly id: string };
  readonly product: { readonly id: string };
  /** A paid order of the admin's. */
  readonly order: { readonly id: string };
  /** A registered customer who can sign in. */
  readonly account: { readonly email: string; readonly password: string };
  /** Customer A with a paid order: customer B probes their resources. */
  readonly a: SignedIn & { readonly orderId: string };
}

/** What a request builder may use: the fixtures and an admin client (to read etags, make throw-away resources). */
interface Scope {
  readonly fixtures: Fixtures;
  readonly admin: GrpcClients;
}

type Build = (scope: Scope) => Promise<object> | object;

interface RpcCase {
  readonly access: 'public' | 'signed-in' | 'admin';
  readonly request: Build;
  /** The same call for customer A's resource: sent by customer B it is NOT_FOUND, by A it succeeds. */
  readonly othersResource?: Build;
}

const unique = () => randomBytes(5).toString('hex');
const email = (prefix: string) => `${prefix}.${unique()}@example.com`;
const password = () => `pw-${unique()}-long-enough`;

async function freshOrder(admin: GrpcClients, productId: string): Promise<string> {
  const { order } = await admin.orders.placeOrder({ idempotencyKey: `access-${unique()}`, lines: [{ productId, quantity: 1 }], payment: { cardToken: 'tok_approved' } });
  return order!.id;
}

const CASES: Record<string, RpcCase> = {
  'ordersvc.v1.UserService/GetUser': { access: 'signed-in', request: ({ fixtures }) => ({ id: fixtures.user.id }), othersResource: ({ fixtures }) => ({ id: fixtures.a.user.id }) },
  'ordersvc.v1.UserService/ListUsers': { access: 'admin', request: () => ({ pageSize: 5, pageToken: '' }) },
  'ordersvc.v1.UserService/CreateUser': { access: 'admin', request: () => ({ name: 'Created', email: email('created'), roles: [] }) },
  'ordersvc.v1.UserService/UpdateUser': {
    access: 'signed-in',
    request: async ({ fixtures, admin }) => ({ id: fixtures.user.id, etag: (await admin.users.getUser({ id: fixtures.user.id })).user!.etag, name: 'Renamed', updateRoles: false, roles: [] }),
    othersResource: async ({ fixtures, admin }) => ({ id: fixtures.a.user.id, etag: (await admin.users.getUser({ id: fixtures.a.user.id })).user!.etag, name: 'Renamed A', updateRoles: false, roles: [] }),
  },
  'ordersvc.v1.UserService/DeleteUser': {
    access: 'admin',
    request: async ({ admin }) => {
      const { user } = await admin.users.createUser({ name: 'To Delete', email: email('delete'), roles: [] });
      return { id: user!.id, etag: user!.etag };
    },
  },
  'ordersvc.v1.AuthService/Register': { access: 'public', request: () => ({ name: 'Registered', email: email('registered'), password: password() }) },
  'ordersvc.v1.AuthService/Login': { access: 'public', request: ({ fixtures }) => ({ email: fixtures.account.email, password: fixtures.account.password }) },
  'ordersvc.v1.AuthService/Logout': { access: 'signed-in', request: () => ({}) },
  'ordersvc.v1.AuthService/GetCurrentUser': { access: 'signed-in', request: () => ({}) },
  'ordersvc.v1.ProductService/GetProduct': { access: 'public', request: ({ fixtures }) => ({ id: fixtures.product.id }) },
  'ordersvc.v1.ProductService/ListProducts': { access: 'public', request: () => ({ pageSize: 5, pageToken: '', namePrefix: '' }) },
  'ordersvc.v1.ProductService/CreateProduct': {
    access: 'admin',
    request: () => ({ sku: `ACC-${unique()}`, name: 'Access mug', description: '', price: { amountMinor: 1250n, currency: 'EUR' }, stock: 3 }),
  },
  'ordersvc.v1.ProductService/UpdateProduct': {
    access: 'admin',
    request: async ({ fixtures, admin }) => ({ id: fixtures.product.id, etag: (await admin.products.getProduct({ id: fixtures.product.id })).product!.etag, price: undefined }),
  },
  'ordersvc.v1.OrderService/PlaceOrder': {
    access: 'signed-in',
    request: ({ fixtures }) => ({ idempotencyKey: `access-${unique()}`, lines: [{ productId: fixtures.product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } }),
  },
  'ordersvc.v1.OrderService/GetOrder': { access: 'signed-in', request: ({ fixtures }) => ({ id: fixtures.order.id }), othersResource: ({ fixtures }) => ({ id: fixtures.a.orderId }) },
  'ordersvc.v1.OrderService/ListOrders': { access: 'signed-in', request: () => ({ pageSize: 5, pageToken: '', userId: '', status: '' }) },
  'ordersvc.v1.OrderService/CancelOrder': {
    access: 'signed-in',
    request: async ({ fixtures, admin }) => ({ id: await freshOrder(admin, fixtures.product.id) }),
    othersResource: ({ fixtures }) => ({ id: fixtures.a.orderId }),
  },
  'ordersvc.v1.ActivityService/WatchUserActivity': {
    access: 'signed-in',
    // From the start: the user's first event arrives at once, so success is seen without waiting for news.
    request: ({ fixtures }) => ({ userId: fixtures.user.id, afterEventId: '0' }),
    othersResource: ({ fixtures }) => ({ userId: fixtures.a.user.id, afterEventId: '0' }),
  },
};

const RPCS = contractRpcs();
const PROTECTED = RPCS.filter((rpc) => CASES[rpc.path]?.access !== 'public');
const ADMIN_ONLY = RPCS.filter((rpc) => CASES[rpc.path]?.access === 'admin');
const PUBLIC = RPCS.filter((rpc) => CASES[rpc.path]?.access === 'public');
const OTHERS = RPCS.filter((rpc) => CASES[rpc.path]?.othersResource);

function caseOf(rpc: Rpc): RpcCase {
  const found = CASES[rpc.path];
  if (!found) throw new Error(`no access case for ${rpc.path}: add one to CASES`);
  return found;
}

// ---------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------

let app: TestApp;
let fixtures: Fixtures;
let adminClient: GrpcClients;
const opened: GrpcClients[] = [];
const tokens: Record<'revoked' | 'unknown', string> = { revoked: '', unknown: '' };

function clients(target: TestApp, token?: string): GrpcClients {
  const created = grpcClients(target.service.grpcPort!, token);
  opened.push(created);
  return created;
}

const scope = (): Scope => ({ fixtures, admin: adminClient });

beforeAll(async () => {
  app = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '100000' });
  adminClient = clients(app, (await app.admin()).token);
  const { user } = await adminClient.users.createUser({ name: 'Target', email: email('target'), roles: [] });
  const { product } = await adminClient.products.createProduct({ sku: `FIX-${unique()}`, name: 'Fixture mug', description: '', price: { amountMinor: 500n, currency: 'EUR' }, stock: 10_000 });
  const account = { email: email('account'), password: password() };
  await clients(app).auth.register({ name: 'Account Holder', ...account });
  const a = await app.customer();
  const { order } = await clients(app, a.token).orders.placeOrder({ idempotencyKey: `a-${unique()}`, lines: [{ productId: product!.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } });
  fixtures = { user: { id: user!.id }, product: { id: product!.id }, order: { id: await freshOrder(adminClient, product!.id) }, account, a: { ...a, orderId: order!.id } };
  tokens.revoked = await revokedToken(app);
  tokens.unknown = unknownToken();
});

afterAll(async () => {
  for (const created of opened) created.close();
  await app?.stop();
});

// ---------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------

describe('the gRPC access matrix, from the protos', () => {
  it('when the protos define RPCs, then each has a case and no case is a stray', () => {
    expect(RPCS.length).toBeGreaterThan(0);
    const missing = RPCS.map((rpc) => rpc.path).filter((path) => !(path in CASES));
    const strays = Object.keys(CASES).filter((path) => !RPCS.some((rpc) => rpc.path === path));

    expect(missing, 'RPCs of api/proto without an entry in CASES').toEqual([]);
    expect(strays, 'entries of CASES that are no RPC of api/proto').toEqual([]);
  });

  const credentials = [
    { description: 'no token', reason: 'AUTHENTICATION_REQUIRED', token: () => undefined },
    { description: 'a malformed token', reason: 'INVALID_TOKEN', token: () => 'not a token at all' },
    { description: 'an unknown token', reason: 'INVALID_TOKEN', token: () => tokens.unknown },
    { description: 'a revoked token', reason: 'INVALID_TOKEN', token: () => tokens.revoked },
  ] as const;

  it.each(PROTECTED.flatMap((rpc) => credentials.map((credential) => ({ ...rpc, ...credential }))))(
    'when $path is called with $description, then it is UNAUTHENTICATED $reason',
    async (rpc) => {
      const error = await failure(invoke(clients(app, rpc.token()), rpc, await caseOf(rpc).request(scope())));

      expect(error.code).toBe(Status.UNAUTHENTICATED);
      expect(reasonOf(error)).toBe(rpc.reason);
    },
  );

  describe('with an expired token', () => {
    let shortLived: TestApp;
    let expired: string;

    beforeAll(async () => {
      // A second instance over the same database, whose sessions last 300 ms.
      shortLived = await startTestApp({ SESSION_IDLE_TTL_MS: '300', SESSION_ABSOLUTE_TTL_MS: '300' }, { database: app.database });
      expired = (await shortLived.admin()).token;
      await untilTokenRefused(shortLived, expired);
    });

    afterAll(async () => {
      await shortLived?.stop();
    });

    it.each(PROTECTED)('when $path is called with an expired token, then it is UNAUTHENTICATED INVALID_TOKEN', async (rpc) => {
      const error = await failure(invoke(clients(shortLived, expired), rpc, await caseOf(rpc).request(scope())));

      expect(error.code).toBe(Status.UNAUTHENTICATED);
      expect(reasonOf(error)).toBe('INVALID_TOKEN');
    });
  });

  it.each(ADMIN_ONLY)('when a customer calls $path (admin only), then it is PERMISSION_DENIED', async (rpc) => {
    const customer = await app.customer();

    const error = await failure(invoke(clients(app, customer.token), rpc, await caseOf(rpc).request(scope())));

    expect(error.code).toBe(Status.PERMISSION_DENIED);
  });

  it.each(OTHERS)('when customer B calls $path for customer A’s resource, then it is NOT_FOUND, and A gets it', async (rpc) => {
    const b = await app.customer();
    const request = await caseOf(rpc).othersResource!(scope());

    const error = await failure(invoke(clients(app, b.token), rpc, request));
    const own = await invoke(clients(app, fixtures.a.token), rpc, await caseOf(rpc).othersResource!(scope()));

    expect(error.code).toBe(Status.NOT_FOUND);
    expect(error.details).not.toContain(fixtures.a.user.email);
    expect(own).toBeTypeOf('object');
  });

  // The control: the very requests succeed for the right caller, so the refusals above are about the caller alone.
  it.each(PROTECTED)('when an admin sends the request for $path, then it succeeds', async (rpc) => {
    const { token } = await app.admin();

    const answer = await invoke(clients(app, token), rpc, await caseOf(rpc).request(scope()));

    expect(answer).toBeTypeOf('object');
  });

  it.each(PUBLIC)('when $path (public) is called without a token, then it succeeds', async (rpc) => {
    const answer = await invoke(clients(app), rpc, await caseOf(rpc).request(scope()));

    expect(answer).toBeTypeOf('object');
  });
});
