import type autocannon from 'autocannon';
import type { Expectation } from './curve.ts';
import { checkOrders, placeOrder, productPage, randomLines, userPage } from './http-scenarios.ts';
import type { ScenarioContext } from './scenario.ts';
import { growTable } from './table-growth.ts';

/** The sizes a curve is measured at, from the run's options. */
export interface CurveSizes {
  readonly users: number;
  readonly products: number;
  readonly usersMax: number;
  readonly productsMax: number;
}

/** How cost per request grows with the work: one scenario measured at several sizes x. */
export interface CurveSpec {
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly expectation: Expectation;
  readonly points: (sizes: CurveSizes) => number[];
  /** Before the runs at x (e.g. grow the table to x rows). Points run in ascending x. */
  readonly prepare?: (ctx: ScenarioContext, x: number) => Promise<void>;
  readonly requests: (ctx: ScenarioContext, x: number) => autocannon.Request[];
  readonly after?: (ctx: ScenarioContext) => Promise<void>;
}

/** Run after the scenarios, in this order: the table curves grow their tables and come last. */
export const CURVES: readonly CurveSpec[] = [
  {
    name: 'order-lines',
    title: 'order placement by lines per order',
    xLabel: 'lines per order (distinct products, 1-3 units each)',
    expectation: 'linear',
    points: () => [1, 5, 20, 50],
    requests: (ctx, x) => [placeOrder(ctx, () => randomLines(ctx.fixtures.productIds, x))],
    after: checkOrders,
  },
  {
    name: 'page-size',
    title: 'user page by page size',
    xLabel: 'users per page',
    expectation: 'linear',
    points: () => [10, 50, 100],
    requests: (ctx, x) => [userPage(ctx, x)],
  },
  {
    name: 'users-table',
    title: 'user page of 50 by rows in the users table',
    xLabel: 'rows in users',
    expectation: 'flat',
    points: (s) => ascending([s.users, s.usersMax]),
    prepare: (ctx, x) => growTable(ctx.db, 'users', x, ctx.log),
    requests: (ctx) => [userPage(ctx, 50)],
  },
  {
    name: 'products-table',
    title: 'product page of 50 by rows in the products table',
    xLabel: 'rows in products',
    expectation: 'flat',
    points: (s) => ascending([s.products, s.productsMax]),
    prepare: (ctx, x) => growTable(ctx.db, 'products', x, ctx.log),
    requests: (ctx) => [productPage(ctx, 50)],
  },
];

function ascending(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
