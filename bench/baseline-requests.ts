import { randomInt } from 'node:crypto';
import type autocannon from 'autocannon';
import type { BaselineName } from './catalog.ts';
import { dynamic, JSON_BODY, pick } from './scenario.ts';

/** What the baselines' requests pick from: row counts of their own tables, and ids of the service's tables for the page baselines. */
export interface BaselineData {
  readonly users: number;
  readonly products: number;
  readonly userIds: readonly string[];
  readonly productIds: readonly string[];
}

/** Requests of one baseline; ids are random over the rows its tables hold. */
export function baselineRequests(name: BaselineName, data: BaselineData): autocannon.Request[] {
  switch (name) {
    case 'node-http':
    case 'express-hello':
      return [{ method: 'GET', path: '/' }];
    case 'express-pg-read':
      return [dynamic(() => ({ method: 'GET', path: `/users/${1 + randomInt(data.users)}` }))];
    case 'express-pg-write':
      return [
        dynamic(() => ({
          method: 'POST',
          path: '/orders',
          headers: JSON_BODY,
          body: JSON.stringify({ product_id: 1 + randomInt(data.products), quantity: 1 + randomInt(3) }),
        })),
      ];
    case 'express-pg-user-page':
      return [dynamic(() => ({ method: 'GET', path: `/users?limit=50&after=${pick(data.userIds)}` }))];
    case 'express-pg-product-page':
      return [dynamic(() => ({ method: 'GET', path: `/products?limit=50&after=${pick(data.productIds)}` }))];
    case 'grpc-hello':
    case 'jetstream-publish':
      throw new Error(`${name} is not loaded over HTTP (see its kind in catalog.ts)`);
  }
}
