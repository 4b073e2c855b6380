import { randomBytes, randomUUID } from 'node:crypto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { contractRpcs, failure, invoke, reasonOf, violationsOf } from '../../support/grpc-contract.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

// ---------------------------------------------------------------------------
// A bad value for every field of every request message of the contract (read
// from the descriptor set: a new field without a case fails the first test).
// Each is sent by an admin, on top of a request that is valid otherwise, and
// must be INVALID_ARGUMENT with a field violation naming that field.
// ---------------------------------------------------------------------------

interface Exempt {
  /** Why no value of this field can be bad. */
  readonly exempt: string;
}

interface RpcFields {
  /** A request that is valid (it may still fail later, e.g. NOT_FOUND: the bad field must be reported first). */
  readonly valid: (fixtures: Fixtures) => object;
  /** Per proto field: what replaces part of `valid` to make that field bad. */
  readonly bad: Record<string, object | Exempt>;
}

interface Fixtures {
  /** An existing user and product, so that checks made after loading them are reached. */
  readonly userId: string;
  readonly productId: string;
}

const unique = () => randomBytes(5).toString('hex');
const long = (length: number) => 'x'.repeat(length);
const NOT_A_UUID = 'not-a-uuid';
const BOOL: Exempt = { exempt: 'a bool: either value is valid' };

const FIELDS: Record<string, RpcFields> = {
  'ordersvc.v1.UserService/GetUser': { valid: () => ({ id: randomUUID() }), bad: { id: { id: NOT_A_UUID } } },
  'ordersvc.v1.UserService/ListUsers': {
    valid: () => ({ pageSize: 10, pageToken: '' }),
    bad: { page_size: { pageSize: 1000 }, page_token: { pageToken: 'garbage' } },
  },
  'ordersvc.v1.UserService/CreateUser': {
    valid: () => ({ name: 'Valid Name', email: `valid.${unique()}@example.com`, roles: [] }),
    bad: { name: { name: '' }, email: { email: 'not-an-email' }, roles: { roles: ['root'] } },
  },
  'ordersvc.v1.UserService/UpdateUser': {
    valid: ({ userId }) => ({ id: userId, etag: '*', updateRoles: false, roles: [] }),
    bad: {
      id: { id: NOT_A_UUID },
      etag: { etag: 'W/"1"' },
      name: { name: '' },
      email: { email: 'not-an-email' },
      update_roles: BOOL,
      roles: { updateRoles: true, roles: ['root'] },
    },
  },
  'ordersvc.v1.UserService/DeleteUser': { valid: () => ({ id: randomUUID(), etag: '' }), bad: { id: { id: NOT_A_UUID }, etag: { etag: 'not an etag' } } },
  'ordersvc.v1.AuthService/Register': {
    valid: () => ({ name: 'Valid Name', email: `valid.${unique()}@example.com`, password: 'a long enough password' }),
    bad: { name: { name: '' }, email: { email: 'not-an-email' }, password: { password: 'short' } },
  },
  'ordersvc.v1.AuthService/Login': {
    valid: () => ({ email: 'nobody@example.com', password: 'a long enough password' }),
    bad: { email: { email: '' }, password: { password: long(200) } },
  },
  'ordersvc.v1.AuthService/Logout': { valid: () => ({}), bad: {} },
  'ordersvc.v1.AuthService/GetCurrentUser': { valid: () => ({}), bad: {} },
  'ordersvc.v1.ProductService/GetProduct': { valid: () => ({ id: randomUUID() }), bad: { id: { id: NOT_A_UUID } } },
  'ordersvc.v1.ProductService/ListProducts': {
    valid: () => ({ pageSize: 10, pageToken: '', namePrefix: '' }),
    bad: { page_size: { pageSize: -1 }, page_token: { pageToken: 'garbage' }, name_prefix: { namePrefix: long(201) } },
  },
  'ordersvc.v1.ProductService/CreateProduct': {
    valid: () => ({ sku: `BAD-${unique()}`, name: 'Valid product', description: '', price: { amountMinor: 100n, currency: 'EUR' }, stock: 1 }),
    bad: {
      sku: { sku: '' },
      name: { name: '' },
      description: { description: long(5001) },
      price: { price: { amountMinor: -1n, currency: 'EUR' } },
      stock: { stock: -1 },
    },
  },
  'ordersvc.v1.ProductService/UpdateProduct': {
    valid: ({ productId }) => ({ id: productId, etag: '*', price: undefined }),
    bad: {
      id: { id: NOT_A_UUID },
      etag: { etag: '' },
      sku: { sku: '' },
      name: { name: '' },
      description: { description: long(5001) },
      price: { price: { amountMinor: 100n, currency: 'eur' } },
      stock: { stock: -1 },
    },
  },
  'ordersvc.v1.OrderService/PlaceOrder': {
    valid: ({ productId }) => ({ idempotencyKey: `bad-${unique()}`, lines: [{ productId, quantity: 1 }], payment: { cardToken: 'tok_approved' } }),
    bad: {
      idempotency_key: { idempotencyKey: '' },
      lines: { lines: [{ productId: NOT_A_UUID, quantity: 0 }] },
      payment: { payment: undefined },
    },
  },
  'ordersvc.v1.OrderService/GetOrder': { valid: () => ({ id: randomUUID() }), bad: { id: { id: NOT_A_UUID } } },
  'ordersvc.v1.OrderService/ListOrders': {
    valid: () => ({ pageSize: 10, pageToken: '', userId: '', status: '' }),
    bad: { page_size: { pageSize: 101 }, page_token: { pageToken: long(600) }, user_id: { userId: NOT_A_UUID }, status: { status: 'lost' } },
  },
  'ordersvc.v1.OrderService/CancelOrder': { valid: () => ({ id: randomUUID() }), bad: { id: { id: NOT_A_UUID } } },
  'ordersvc.v1.ActivityService/WatchUserActivity': {
    valid: ({ userId }) => ({ userId, afterEventId: '' }),
    bad: { user_id: { userId: NOT_A_UUID }, after_event_id: { afterEventId: 'yesterday' } },
  },
};

const RPCS = contractRpcs();
const CASES = RPCS.flatMap((rpc) =>
  rpc.requestFields.flatMap((field) => {
    const bad = FIELDS[rpc.path]?.bad[field];
    return bad && !('exempt' in bad) ? [{ ...rpc, field, bad }] : [];
  }),
);

let app: TestApp;
let admin: GrpcClients;
let fixtures: Fixtures;

beforeAll(async () => {
  app = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '100000', RATE_LIMIT_AUTH_PER_WINDOW: '100000' });
  admin = grpcClients(app.service.grpcPort!, (await app.admin()).token);
  const { user } = await admin.users.createUser({ name: 'Target', email: `target.${unique()}@example.com`, roles: [] });
  const { product } = await admin.products.createProduct({ sku: `BADFIX-${unique()}`, name: 'Fixture', description: '', price: { amountMinor: 100n, currency: 'EUR' }, stock: 5 });
  fixtures = { userId: user!.id, productId: product!.id };
});

afterAll(async () => {
  admin?.close();
  await app?.stop();
});

describe('bad input on every field of every request', () => {
  it('when the protos define request fields, then each has a bad value (or says why none exists) and no case is a stray', () => {
    const missing = RPCS.flatMap((rpc) => rpc.requestFields.filter((field) => !(field in (FIELDS[rpc.path]?.bad ?? {}))).map((field) => `${rpc.path} ${field}`));
    const strays = Object.entries(FIELDS).flatMap(([path, { bad }]) => {
      const rpc = RPCS.find((candidate) => candidate.path === path);
      return Object.keys(bad)
        .filter((field) => !rpc?.requestFields.includes(field))
        .map((field) => `${path} ${field}`);
    });

    expect(missing, 'request fields without a bad value in FIELDS').toEqual([]);
    expect(strays, 'entries of FIELDS that are no field of the request').toEqual([]);
  });

  it.each(CASES)('when $path gets a bad $field, then INVALID_ARGUMENT names it', async ({ field, bad, ...rpc }) => {
    const request = { ...FIELDS[rpc.path]!.valid(fixtures), ...bad };

    const error = await failure(invoke(admin, { ...rpc }, request));

    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(['VALIDATION_FAILED', 'INVALID_CURSOR']).toContain(reasonOf(error));
    // The field itself, or a part of it (`lines[0].product_id`, `price.amount_minor`).
    expect(violationsOf(error).some((named) => named === field || named.startsWith(`${field}.`) || named.startsWith(`${field}[`))).toBe(true);
  });
});
