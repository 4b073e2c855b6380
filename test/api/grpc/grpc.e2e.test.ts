import { randomBytes } from 'node:crypto';
import { Status } from 'nice-grpc';
import { ErrorInfo, RetryInfo, RichClientError } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let anonymous: GrpcClients;
const opened: GrpcClients[] = [];

function clients(token?: string): GrpcClients {
  const created = grpcClients(app.service.grpcPort!, token);
  opened.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<RichClientError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RichClientError)) throw new Error(`expected a rich gRPC error, got ${String(error)}`);
  return error;
}

function reasonOf(error: RichClientError): string | undefined {
  return error.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason;
}

beforeAll(async () => {
  app = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '100000' });
  anonymous = clients();
});

afterAll(async () => {
  for (const created of opened) created.close();
  await app?.stop();
});

describe('gRPC over HTTP/2 beside REST', () => {
  it('when a customer registers and signs in over gRPC, then GetCurrentUser and REST agree on the user', async () => {
    const email = `grpc.${randomBytes(4).toString('hex')}@example.com`;
    const registered = await anonymous.auth.register({ name: 'Grace', email, password: 'a long enough password' });
    const session = await anonymous.auth.login({ email, password: 'a long enough password' });
    const me = await clients(session.token).auth.getCurrentUser({});

    expect(registered.user?.email).toBe(email);
    expect(session.tokenType).toBe('Bearer');
    expect(me.user?.id).toBe(registered.user?.id);
    const { data } = await app.clientWithToken(session.token).GET('/v1/auth/me');
    expect(data?.id).toBe(me.user?.id);
  });

  it('when an admin creates, reads, lists, updates and deletes a user, then each answers as REST does', async () => {
    const admin = clients((await app.admin()).token);
    const email = `made.${randomBytes(4).toString('hex')}@example.com`;
    const { user } = await admin.users.createUser({ name: 'Made', email, roles: [] });
    const read = await admin.users.getUser({ id: user!.id });
    const page = await admin.users.listUsers({ pageSize: 1, pageToken: '' });
    const updated = await admin.users.updateUser({ id: user!.id, etag: read.user!.etag, name: 'Renamed', updateRoles: false, roles: [] });
    const stale = await failure(admin.users.updateUser({ id: user!.id, etag: read.user!.etag, name: 'Again', updateRoles: false, roles: [] }));
    await admin.users.deleteUser({ id: user!.id, etag: updated.user!.etag });
    const gone = await failure(admin.users.getUser({ id: user!.id }));

    expect(read.user?.roles).toEqual(['customer']);
    expect(page.users).toHaveLength(1);
    expect(page.nextPageToken).not.toBe('');
    expect(updated.user?.name).toBe('Renamed');
    expect(stale.code).toBe(Status.FAILED_PRECONDITION);
    expect(reasonOf(stale)).toBe('PRECONDITION_FAILED');
    expect(gone.code).toBe(Status.NOT_FOUND);
    expect(reasonOf(gone)).toBe('USER_NOT_FOUND');
  });

  it('when products are created and listed by name prefix, then money is int64 minor units with a currency', async () => {
    const admin = clients((await app.admin()).token);
    const prefix = `Grpc${randomBytes(3).toString('hex')}`;
    const { product } = await admin.products.createProduct({ sku: `SKU-${prefix}`, name: `${prefix} kettle`, description: '', price: { amountMinor: 1999n, currency: 'EUR' }, stock: 5 });
    const listed = await anonymous.products.listProducts({ pageSize: 10, pageToken: '', namePrefix: prefix.toLowerCase() });
    const changed = await admin.products.updateProduct({ id: product!.id, etag: product!.etag, stock: 7, price: undefined });

    expect(listed.products.map((p) => p.id)).toEqual([product!.id]);
    expect(listed.products[0]?.price).toEqual({ amountMinor: 1999n, currency: 'EUR' });
    expect(changed.product?.stock).toBe(7);
  });

  it('when an email or a SKU is taken, then ALREADY_EXISTS with the REST code', async () => {
    const admin = clients((await app.admin()).token);
    const email = `taken.${randomBytes(4).toString('hex')}@example.com`;
    const sku = `TAKEN-${randomBytes(4).toString('hex')}`;
    await anonymous.auth.register({ name: 'First', email, password: 'a long enough password' });
    const product = { sku, name: 'Taken', description: '', price: { amountMinor: 100n, currency: 'EUR' }, stock: 1 };
    await admin.products.createProduct(product);

    const emailTaken = await failure(anonymous.auth.register({ name: 'Second', email, password: 'a long enough password' }));
    const skuTaken = await failure(admin.products.createProduct(product));

    expect([emailTaken.code, reasonOf(emailTaken)]).toEqual([Status.ALREADY_EXISTS, 'EMAIL_TAKEN']);
    expect([skuTaken.code, reasonOf(skuTaken)]).toEqual([Status.ALREADY_EXISTS, 'SKU_TAKEN']);
  });

  it('when a customer opens more watches than GRPC_WATCHES_PER_USER, then the next is RESOURCE_EXHAUSTED, and a closed one frees its slot', async () => {
    const customer = await app.customer();
    const client = clients(customer.token);
    // From the start, so each watch proves it is open with the registration event.
    const open = Array.from({ length: 5 }, () => client.activity.watchUserActivity({ userId: customer.user.id, afterEventId: '0' })[Symbol.asyncIterator]());
    for (const watch of open) expect((await watch.next()).value?.event?.type).toBe('user_registered');

    const excess = await failure(client.activity.watchUserActivity({ userId: customer.user.id, afterEventId: '0' })[Symbol.asyncIterator]().next());
    await open[0]!.return?.();
    const again = client.activity.watchUserActivity({ userId: customer.user.id, afterEventId: '0' })[Symbol.asyncIterator]();
    // The slot comes back once the server has seen the cancellation.
    await expect.poll(async () => (await again.next().catch(() => undefined))?.value?.event?.type, { timeout: 5_000, interval: 20 }).toBe('user_registered');

    expect(excess.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(reasonOf(excess)).toBe('TOO_MANY_STREAMS_FOR_USER');
    expect(excess.extra.some((detail) => detail.$type === RetryInfo.$type)).toBe(true);
    for (const watch of [...open.slice(1), again]) await watch.return?.();
  });

  it('when the instance serves its most activity streams, then one more watch is RESOURCE_EXHAUSTED TOO_MANY_STREAMS', async () => {
    const full = await startTestApp({ ACTIVITY_MAX_SUBSCRIBERS: '1' });
    const [one, other] = [await full.customer(), await full.customer()];
    const [first, second] = [grpcClients(full.service.grpcPort!, one.token), grpcClients(full.service.grpcPort!, other.token)];
    const held = first.activity.watchUserActivity({ userId: one.user.id, afterEventId: '0' })[Symbol.asyncIterator]();
    try {
      expect((await held.next()).value?.event?.type).toBe('user_registered');

      const refused = await failure(second.activity.watchUserActivity({ userId: other.user.id, afterEventId: '0' })[Symbol.asyncIterator]().next());

      expect(refused.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(reasonOf(refused)).toBe('TOO_MANY_STREAMS');
    } finally {
      await held.return?.();
      first.close();
      second.close();
      await full.stop();
    }
  });

  it('when a message is larger than GRPC_MAX_MESSAGE_BYTES, then RESOURCE_EXHAUSTED, not INTERNAL', async () => {
    const error = await anonymous.auth.login({ email: 'x'.repeat(2 * 1024 * 1024), password: 'a long enough password' }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: Status.RESOURCE_EXHAUSTED });
  });

  it('when health is checked, then the server and each service are SERVING', async () => {
    const overall = await anonymous.health.check({ service: '' });
    const users = await anonymous.health.check({ service: 'ordersvc.v1.UserService' });

    expect(overall.status).toBe(1);
    expect(users.status).toBe(1);
  });

  it('when the sign-in limit is spent, then RESOURCE_EXHAUSTED carries RetryInfo', async () => {
    const limited = await startTestApp({ RATE_LIMIT_AUTH_PER_WINDOW: '2' });
    const client = grpcClients(limited.service.grpcPort!);
    try {
      const attempt = () => failure(client.auth.login({ email: 'nobody@example.com', password: 'wrong password here' }));
      await attempt();
      await attempt();
      const error = await attempt();

      expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(reasonOf(error)).toBe('RATE_LIMITED');
      expect(error.extra.some((detail) => detail.$type === RetryInfo.$type)).toBe(true);
    } finally {
      client.close();
      await limited.stop();
    }
  });
});
