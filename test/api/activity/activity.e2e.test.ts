import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, placeOrder, startOrdersWorld, type OrdersWorld, type ProductDto } from '../../support/orders-api.ts';
import { renameUser } from '../../support/activity-writes.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';
import { openSse, type SseEvent, type SseStream } from './sse-client.ts';

// Instance A serves the streams (with short heartbeats, and request limits far shorter
// than a stream lives); instance B shares its database and records the changes.
let world: OrdersWorld;
let a: TestApp;
let b: TestApp;
let product: ProductDto;
const streams: SseStream[] = [];

beforeAll(async () => {
  world = await startOrdersWorld({ ACTIVITY_HEARTBEAT_MS: '200', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_REQUEST_BUDGET_MS: '1000' });
  a = world.app;
  b = await startTestApp({ PAYMENT_GATEWAY_URL: world.sandbox.url }, { database: a.database });
  product = await createProduct(await b.admin(), { stock: 1_000 });
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await b?.stop();
  await world?.stop();
});

interface EventJson {
  id: string;
  user_id: string;
  type: string;
  occurred_at: string;
  data: Record<string, unknown>;
}

async function stream(app: TestApp, who: SignedIn, userId: string, lastEventId?: string): Promise<SseStream> {
  const opened = await openSse(`${app.baseUrl}/v1/users/${userId}/activity/stream`, {
    authorization: `Bearer ${who.token}`,
    ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  });
  streams.push(opened);
  return opened;
}

const json = (event: SseEvent) => JSON.parse(event.data) as EventJson;

/** The customer talking to `app` with the same token (sessions live in the shared database). */
function signedInOn(app: TestApp, customer: SignedIn): SignedIn {
  return { ...customer, api: app.clientWithToken(customer.token) };
}

async function allActivity(who: SignedIn, userId: string, limit = 100): Promise<EventJson[]> {
  const items: EventJson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const { data, response } = await who.api.GET('/v1/users/{id}/activity', { params: { path: { id: userId }, query: { limit, ...(cursor ? { cursor } : {}) } } });
    expect(response.status).toBe(200);
    items.push(...(data!.items as EventJson[]));
    if (data!.next_cursor === null) return items;
    cursor = data!.next_cursor;
  }
  throw new Error('more than 100 pages');
}

describe('recording and listing activity', () => {
  it('when a customer registers, renames themselves and orders, then their activity lists it newest first, page by page', async () => {
    const customer = await a.customer();
    await renameUser(a, customer, 'Renamed Once');
    const order = await placeOrder(signedInOn(b, customer).api, { lines: [product.id] });
    expect(order.status).toBe(201);

    const everything = await allActivity(customer, customer.user.id);
    const paged = await allActivity(customer, customer.user.id, 1);

    expect(everything.map((event) => event.type)).toEqual(['order_paid', 'order_placed', 'profile_updated', 'user_registered']);
    expect(everything[2]!.data).toEqual({ fields: ['name'] });
    expect(everything[0]!.data).toMatchObject({ order_id: (order.body as { id: string }).id, status: 'paid', total_amount: 1250, currency: 'EUR' });
    expect(paged).toEqual(everything);
    const ids = everything.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
  });

  it('when the cursor was not handed out by this listing, then it is 400 INVALID_CURSOR', async () => {
    const customer = await a.customer();

    const { error, response } = await customer.api.GET('/v1/users/{id}/activity', {
      params: { path: { id: customer.user.id }, query: { cursor: Buffer.from(`o1.${randomUUID()}`).toString('base64url') } },
    });

    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('when a customer reads another customer’s activity or stream, then it is 404 USER_NOT_FOUND as for a missing user; an admin reads both', async () => {
    const owner = await a.customer();
    const intruder = await a.customer();
    const admin = await a.admin();

    const probe = await intruder.api.GET('/v1/users/{id}/activity', { params: { path: { id: owner.user.id } } });
    const missing = await intruder.api.GET('/v1/users/{id}/activity', { params: { path: { id: randomUUID() } } });
    const probeStream = await stream(a, intruder, owner.user.id);
    const adminList = await admin.api.GET('/v1/users/{id}/activity', { params: { path: { id: owner.user.id } } });
    const adminStream = await stream(a, admin, owner.user.id);
    const adminMissing = await stream(a, admin, randomUUID());

    expect(probe.response.status).toBe(404);
    expect(probe.error).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(missing.error).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(probeStream.status).toBe(404);
    expect(adminList.response.status).toBe(200);
    expect(adminList.data!.items.map((event) => event.type)).toEqual(['user_registered']);
    expect(adminStream.status).toBe(200);
    expect(adminStream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(adminMissing.status).toBe(404);
  });
});

describe('the live stream', () => {
  it('when an order is placed through instance B, then a subscriber on instance A sees it placed and paid', async () => {
    const customer = await a.customer();
    const live = await stream(a, customer, customer.user.id);
    expect(live.status).toBe(200);
    await live.when((s) => s.retry !== undefined, 'the stream to open');

    const order = await placeOrder(signedInOn(b, customer).api, { lines: [product.id] });

    const [placed, paid] = await live.until(2);
    const orderId = (order.body as { id: string }).id;
    expect(placed).toMatchObject({ event: 'order_placed' });
    expect(json(placed!)).toMatchObject({ id: placed!.id, user_id: customer.user.id, type: 'order_placed', data: { order_id: orderId, status: 'pending' } });
    expect(paid).toMatchObject({ event: 'order_paid' });
    expect(json(paid!).data).toMatchObject({ order_id: orderId, status: 'paid' });
    expect(Number(paid!.id)).toBeGreaterThan(Number(placed!.id));
  });

  it('when a customer renames themselves, then the stream carries profile_updated with the fields that changed', async () => {
    const customer = await a.customer();
    const live = await stream(a, customer, customer.user.id);
    await live.when((s) => s.retry !== undefined, 'the stream to open');

    await renameUser(b, customer, 'Someone Else');

    const [event] = await live.until(1);
    expect(event!.event).toBe('profile_updated');
    expect(json(event!).data).toEqual({ fields: ['name'] });
  });

  it('when the stream stays open longer than the request timeout and budget, then it keeps its heartbeats and still delivers', async () => {
    const customer = await a.customer();
    const live = await stream(a, customer, customer.user.id);

    // 8 heartbeats at 200 ms: past HTTP_REQUEST_TIMEOUT_MS and HTTP_REQUEST_BUDGET_MS (1000 ms).
    await live.when((s) => s.comments.filter((comment) => comment === 'heartbeat').length >= 8, '8 heartbeats');
    await renameUser(b, customer, 'Still Here');

    expect((await live.until(1))[0]!.event).toBe('profile_updated');
  });

  it('when a client reconnects with Last-Event-ID while changes keep coming, then across both connections it gets every event once, in order', async () => {
    const customer = await a.customer();
    const first = await stream(a, customer, customer.user.id);
    await first.when((s) => s.retry !== undefined, 'the stream to open');
    const renames = 30;
    const writing = (async () => {
      for (let n = 0; n < renames; n += 1) await renameUser(b, customer, `Name ${n}`);
    })();

    const before = await first.until(5);
    first.close();
    const second = await stream(a, customer, customer.user.id, before.at(-1)!.id);
    await writing;
    const after = await second.until(renames - before.length, 10_000);

    const received = [...before, ...after].map((event) => Number(event.id));
    const recorded = (await allActivity(customer, customer.user.id)).filter((event) => event.type === 'profile_updated').map((event) => Number(event.id));
    expect(received).toEqual([...recorded].reverse());
    expect(second.events.length).toBe(renames - before.length);
  });

  it('when a client comes back with the Last-Event-ID of an old event, then it first gets everything after it that it missed', async () => {
    const customer = await a.customer();
    const [registered] = await allActivity(customer, customer.user.id);
    for (const name of ['One', 'Two', 'Three']) await renameUser(b, customer, name);

    const resumed = await stream(a, customer, customer.user.id, registered!.id);
    const missed = await resumed.until(3);
    await renameUser(b, customer, 'Four');
    const all = await resumed.until(4);

    expect(missed.map((event) => event.event)).toEqual(['profile_updated', 'profile_updated', 'profile_updated']);
    expect(all.map((event) => Number(event.id))).toEqual([...all.map((event) => Number(event.id))].sort((x, y) => x - y));
    expect(new Set(all.map((event) => event.id)).size).toBe(4);
  });

  it('when the Last-Event-ID is not an event id, then it is 400 VALIDATION_FAILED', async () => {
    const customer = await a.customer();

    const refused = await stream(a, customer, customer.user.id, 'yesterday');

    expect(refused.status).toBe(400);
  });

  it('when the listening connection of instance A is killed, then A reconnects and its subscribers miss nothing', async () => {
    const customer = await a.customer();
    const live = await stream(a, customer, customer.user.id);
    await live.when((s) => s.retry !== undefined, 'the stream to open');
    const listenerPids = async () =>
      (
        await a.database.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ordersvc-activity'")
      ).rows.map((row) => row.pid);
    const before = await listenerPids();
    expect(before).toHaveLength(2);

    await a.database.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    await renameUser(b, customer, 'While Disconnected');

    expect((await live.until(1))[0]!.event).toBe('profile_updated');
    await renameUser(b, customer, 'After Reconnect');
    expect((await live.until(2))[1]!.event).toBe('profile_updated');
    // B reconnects too, on its own backoff.
    let after = await listenerPids();
    for (const deadline = Date.now() + 10_000; after.length < 2 && Date.now() < deadline; after = await listenerPids()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(after).toHaveLength(2);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
  });
});
