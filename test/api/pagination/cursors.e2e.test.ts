import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, placeOrder, startOrdersWorld, type OrdersWorld } from '../../support/orders-api.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

let world: OrdersWorld;
let app: TestApp;
let replica: TestApp;
let admin: SignedIn;
let customer: SignedIn;

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

interface Listing {
  readonly name: string;
  readonly path: () => string;
  /** A cursor in the format that was accepted before cursors were signed. */
  readonly forged: () => string;
}

const listings: Listing[] = [
  { name: 'users', path: () => '/v1/users', forged: () => base64url(`u1.${uuidv7()}`) },
  { name: 'products', path: () => '/v1/products', forged: () => base64url(`p1.${uuidv7()}`) },
  { name: 'orders', path: () => '/v1/orders', forged: () => base64url(`o1.${uuidv7()}`) },
  { name: 'activity', path: () => `/v1/users/${customer.user.id}/activity`, forged: () => base64url('a1.999999') },
];

async function page(on: TestApp, path: string, cursor?: string) {
  const query = new URLSearchParams({ limit: '1', ...(cursor === undefined ? {} : { cursor }) });
  const response = await fetch(`${on.baseUrl}${path}?${query.toString()}`, { headers: { authorization: `Bearer ${path.startsWith('/v1/users/') ? customer.token : admin.token}` } });
  return { status: response.status, body: (await response.json()) as { next_cursor?: string | null; items?: { id: string }[]; code?: string } };
}

async function genuineCursor(listing: Listing): Promise<string> {
  const first = await page(app, listing.path());
  expect(first.status).toBe(200);
  expect(first.body.next_cursor).toEqual(expect.any(String));
  return first.body.next_cursor!;
}

beforeAll(async () => {
  world = await startOrdersWorld();
  app = world.app;
  replica = await startTestApp({ PAYMENT_GATEWAY_URL: world.sandbox.url }, { database: app.database });
  admin = await app.admin();
  customer = await app.customer();
  const product = await createProduct(admin, { stock: 100 });
  await createProduct(admin);
  for (let i = 0; i < 2; i += 1) expect((await placeOrder(customer.api, { lines: [product.id] })).status).toBe(201);
});

afterAll(async () => {
  await replica?.stop();
  await world?.stop();
});

describe.each(listings)('the $name listing', (listing) => {
  it('when the cursor the service handed out is sent back, to this or another replica, then the next page follows', async () => {
    const cursor = await genuineCursor(listing);

    const here = await page(app, listing.path(), cursor);
    const there = await page(replica, listing.path(), cursor);

    expect(here.status).toBe(200);
    expect(there).toEqual(here);
  });

  it('when a cursor is forged in the format the service uses inside, then it is 400 INVALID_CURSOR', async () => {
    const { status, body } = await page(app, listing.path(), listing.forged());

    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_CURSOR');
  });

  it.each([
    ['truncated by one character', (cursor: string) => cursor.slice(0, -1)],
    ['cut before its signature', (cursor: string) => cursor.split('.')[0]!],
    ['with a character changed', (cursor: string) => `${cursor[0] === 'A' ? 'B' : 'A'}${cursor.slice(1)}`],
    ['with text appended', (cursor: string) => `${cursor}A`],
  ])('when a genuine cursor is sent %s, then it is 400 INVALID_CURSOR', async (_, tamper) => {
    const cursor = await genuineCursor(listing);

    const { status, body } = await page(app, listing.path(), tamper(cursor));

    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_CURSOR');
  });
});

describe('cursors between listings', () => {
  it('when a products cursor is sent to the users listing, then it is 400 INVALID_CURSOR', async () => {
    const cursor = await genuineCursor(listings[1]!);

    const { status, body } = await page(app, '/v1/users', cursor);

    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_CURSOR');
  });
});
