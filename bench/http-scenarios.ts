import { sql } from 'kysely';
import { randomInt, randomUUID } from 'node:crypto';
import { sampleOrders, stockDrift } from './orders-check.ts';
import { bearer, dynamic, JSON_BODY, pick, withCursor, type HttpScenario, type ScenarioContext } from './scenario.ts';

/** The service's HTTP scenarios, in the order they run: order-read reads the orders order-place made. */
export const HTTP_SCENARIOS: readonly HttpScenario[] = [
  {
    name: 'product-read',
    title: 'cached product read (GET /v1/products/{id}, 8 hot ids)',
    baseline: 'express-hello',
    target: { maxCpuRatio: 2, maxP99Ms: 25, zeroErrors: true },
    requests: ({ fixtures: f }) => [dynamic(() => ({ method: 'GET', path: `/v1/products/${pick(f.hotProductIds)}` }))],
  },
  {
    name: 'user-read',
    title: 'authenticated user read by id (GET /v1/users/{id}, own user)',
    baseline: 'express-hello',
    target: { maxCpuRatio: 2.2 },
    requests: ({ fixtures: f }) => [
      dynamic(() => {
        const customer = pick(f.customers);
        return { method: 'GET', path: `/v1/users/${customer.id}`, headers: bearer(customer.token) };
      }),
    ],
  },
  {
    name: 'user-page',
    title: 'user page of 50, admin (GET /v1/users?limit=50)',
    baseline: 'express-pg-user-page',
    target: { maxCpuRatio: 2 },
    requests: (ctx) => [userPage(ctx, 50)],
  },
  {
    name: 'product-page',
    title: 'product page of 50 (GET /v1/products?limit=50)',
    baseline: 'express-pg-product-page',
    target: { maxCpuRatio: 2 },
    requests: (ctx) => [productPage(ctx, 50)],
  },
  {
    name: 'user-create',
    title: 'create a user, admin (POST /v1/users, unique email)',
    baseline: 'express-pg-write',
    target: { zeroErrors: true },
    requests: ({ fixtures: f }) => [
      dynamic(() => ({ method: 'POST', path: '/v1/users', headers: { ...JSON_BODY, ...bearer(f.adminToken) }, body: JSON.stringify(newUser()) })),
    ],
    after: removeCreatedUsers,
  },
  {
    name: 'login',
    title: 'login (POST /v1/auth/login, argon2id verify)',
    baseline: 'express-pg-read',
    requests: ({ fixtures: f }) => [
      dynamic(() => ({
        method: 'POST',
        path: '/v1/auth/login',
        headers: JSON_BODY,
        body: JSON.stringify({ email: pick(f.loginEmails), password: f.password }),
      })),
    ],
  },
  {
    name: 'order-place',
    title: 'place an order (POST /v1/orders, 1-3 random products, sandbox payment)',
    baseline: 'express-pg-write',
    target: { maxCpuRatio: 5, maxP99Ms: 150, zeroErrors: true },
    measuresEvents: true,
    requests: (ctx) => [placeOrder(ctx, () => randomLines(ctx.fixtures.productIds))],
    after: checkOrders,
  },
  {
    name: 'order-read',
    title: 'order read (GET /v1/orders/{id}, own order)',
    baseline: 'express-pg-read',
    skip: ({ state }) => (state.orders.length === 0 ? 'order placement produced no paid orders to read' : undefined),
    requests: ({ state }) => [
      dynamic(() => {
        const order = pick(state.orders);
        return { method: 'GET', path: `/v1/orders/${order.id}`, headers: bearer(order.token) };
      }),
    ],
  },
];

export function userPage({ fixtures: f }: ScenarioContext, limit: number) {
  return dynamic(() => ({ method: 'GET', path: withCursor(`/v1/users?limit=${limit}`, pick(f.userCursors)), headers: bearer(f.adminToken) }));
}

export function productPage({ fixtures: f }: ScenarioContext, limit: number) {
  return dynamic(() => ({ method: 'GET', path: withCursor(`/v1/products?limit=${limit}`, pick(f.productCursors)) }));
}

export function placeOrder({ fixtures: f }: ScenarioContext, lines: () => { product_id: string; quantity: number }[]) {
  return dynamic(() => ({
    method: 'POST',
    path: '/v1/orders',
    headers: { ...JSON_BODY, ...bearer(pick(f.customers).token), 'idempotency-key': randomUUID() },
    body: JSON.stringify({ lines: lines(), payment: { card_token: 'tok_approved' } }),
  }));
}

const CREATED_EMAIL_PREFIX = 'bench-created-';

/** A user no other request creates: the email is unique across runs and scenarios. */
export function newUser(): { name: string; email: string } {
  const tag = randomUUID();
  return { name: `Bench ${tag.slice(0, 8)}`, email: `${CREATED_EMAIL_PREFIX}${tag}@example.com` };
}

// The created users go after each run: the users table keeps its seeded size (the users-table curve's first point, the page baselines' data).
export async function removeCreatedUsers(ctx: ScenarioContext): Promise<void> {
  const { rows } = await sql<{ n: string }>`
    WITH gone AS (DELETE FROM users WHERE email LIKE ${`${CREATED_EMAIL_PREFIX}%`} RETURNING 1) SELECT count(*) AS n FROM gone`.execute(ctx.db);
  ctx.log(`removed the ${rows[0]?.n ?? 0} users the run created`);
}

/** 1 to 3 distinct random products (or exactly `count`), 1 to 3 units each. */
export function randomLines(productIds: readonly string[], count?: number): { product_id: string; quantity: number }[] {
  const wanted = Math.min(count ?? 1 + randomInt(3), productIds.length);
  const chosen = new Set<string>();
  while (chosen.size < wanted) chosen.add(pick(productIds));
  return [...chosen].map((id) => ({ product_id: id, quantity: 1 + randomInt(3) }));
}

// No unit oversold or lost over all orders so far (the check is absolute), and paid orders (with their owners' tokens) for order-read.
export async function checkOrders(ctx: ScenarioContext): Promise<void> {
  const check = await stockDrift(ctx.db);
  ctx.state.stockDrift = check.drift;
  if (check.pending > 0) ctx.state.notes.push(`${check.pending} ${check.pending === 1 ? 'order was' : 'orders were'} still pending when the stock was checked.`);
  const tokens = new Map(ctx.fixtures.customers.map((c) => [c.id, c.token]));
  ctx.state.orders = (await sampleOrders(ctx.db, 2_000)).flatMap((o) => {
    const token = tokens.get(o.userId);
    return token ? [{ id: o.id, token }] : [];
  });
  ctx.log(`stock drift after order placement: ${check.drift} units; ${ctx.state.orders.length} paid orders sampled for reading`);
}
