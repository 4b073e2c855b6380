import { randomInt, randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import type { BaselineName, ScenarioName } from './catalog.ts';
import type { Fixtures } from './fixtures.ts';

const JSON_BODY = { 'content-type': 'application/json' };

/** Requests of one baseline; ids are random over the rows its tables hold. */
export function baselineRequests(name: BaselineName, rows: { readonly users: number; readonly products: number }): autocannon.Request[] {
  switch (name) {
    case 'node-http':
    case 'express-hello':
      return [{ method: 'GET', path: '/' }];
    case 'express-pg-read':
      return [dynamic(() => ({ method: 'GET', path: `/users/${1 + randomInt(rows.users)}` }))];
    case 'express-pg-write':
      return [
        dynamic(() => ({
          method: 'POST',
          path: '/orders',
          headers: JSON_BODY,
          body: JSON.stringify({ product_id: 1 + randomInt(rows.products), quantity: 1 + randomInt(3) }),
        })),
      ];
  }
}

/** Orders to read back (filled after order-place ran). */
export interface PlacedOrder {
  readonly id: string;
  readonly token: string;
}

/** Requests of one service scenario; every request picks its own random inputs. */
export function scenarioRequests(name: ScenarioName, f: Fixtures, orders: readonly PlacedOrder[]): autocannon.Request[] {
  switch (name) {
    case 'product-read':
      return [dynamic(() => ({ method: 'GET', path: `/v1/products/${pick(f.hotProductIds)}` }))];
    case 'user-read':
      return [
        dynamic(() => {
          const customer = pick(f.customers);
          return { method: 'GET', path: `/v1/users/${customer.id}`, headers: bearer(customer.token) };
        }),
      ];
    case 'user-page':
      return [dynamic(() => ({ method: 'GET', path: page('/v1/users?limit=50', pick(f.userCursors)), headers: bearer(f.adminToken) }))];
    case 'product-page':
      return [dynamic(() => ({ method: 'GET', path: page('/v1/products?limit=50', pick(f.productCursors)) }))];
    case 'login':
      return [
        dynamic(() => ({
          method: 'POST',
          path: '/v1/auth/login',
          headers: JSON_BODY,
          body: JSON.stringify({ email: pick(f.loginEmails), password: f.password }),
        })),
      ];
    case 'order-place':
      return [
        dynamic(() => ({
          method: 'POST',
          path: '/v1/orders',
          headers: { ...JSON_BODY, ...bearer(pick(f.customers).token), 'idempotency-key': randomUUID() },
          body: JSON.stringify({ lines: randomLines(f.productIds), payment: { card_token: 'tok_approved' } }),
        })),
      ];
    case 'order-read':
      return [
        dynamic(() => {
          const order = pick(orders);
          return { method: 'GET', path: `/v1/orders/${order.id}`, headers: bearer(order.token) };
        }),
      ];
  }
}

/** 1 to 3 distinct random products, 1 to 3 units each. */
export function randomLines(productIds: readonly string[]): { product_id: string; quantity: number }[] {
  const wanted = Math.min(1 + randomInt(3), productIds.length);
  const chosen = new Set<string>();
  while (chosen.size < wanted) chosen.add(pick(productIds));
  return [...chosen].map((id) => ({ product_id: id, quantity: 1 + randomInt(3) }));
}

// autocannon calls setupRequest before every request; the request it gets is
// its own reusable object, so the hook returns a fresh one.
function dynamic(build: () => autocannon.Request): autocannon.Request {
  return {
    setupRequest: (request) => {
      const built = build();
      return { ...request, ...built, headers: { ...request.headers, ...built.headers } };
    },
  };
}

function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('nothing to pick from');
  return items[randomInt(items.length)] as T;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function page(path: string, cursor: string | undefined): string {
  return cursor === undefined ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
}
