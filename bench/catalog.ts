/**
 * What is measured, what each service scenario is compared with, and the
 * targets of issue 6. Pure data: the load itself is built in scenarios.ts.
 */

export type BaselineName = 'node-http' | 'express-hello' | 'express-pg-read' | 'express-pg-write';

export type ScenarioName = 'product-read' | 'user-read' | 'user-page' | 'product-page' | 'login' | 'order-place' | 'order-read';

export interface BaselineInfo {
  readonly name: BaselineName;
  readonly title: string;
}

/** A target from the issue; a missing field is not checked. */
export interface Target {
  /** Least share of the compared baseline's 2xx req/s. */
  readonly minRatio?: number;
  readonly maxP99Ms?: number;
  /** No socket errors, no timeouts and no non-2xx answers. */
  readonly zeroErrors?: boolean;
}

export interface ScenarioInfo {
  readonly name: ScenarioName;
  readonly title: string;
  /** The baseline its ratio is taken against: the cheapest bare server doing comparable work. */
  readonly baseline: BaselineName;
  readonly target?: Target;
}

export const BASELINES: readonly BaselineInfo[] = [
  { name: 'node-http', title: 'bare node:http hello-world' },
  { name: 'express-hello', title: 'bare express 5 hello-world' },
  { name: 'express-pg-read', title: 'bare express 5 + one primary-key SELECT (pg pool)' },
  { name: 'express-pg-write', title: 'bare express 5 + two-statement transaction (UPDATE stock, INSERT order)' },
];

/** In the order they run: order-read reads the orders order-place made. */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: 'product-read',
    title: 'cached product read (GET /v1/products/{id}, 8 hot ids)',
    baseline: 'express-hello',
    target: { minRatio: 0.6, maxP99Ms: 25, zeroErrors: true },
  },
  {
    name: 'user-read',
    title: 'authenticated user read by id (GET /v1/users/{id}, own user)',
    baseline: 'express-hello',
    target: { minRatio: 0.5 },
  },
  {
    name: 'user-page',
    title: 'user page of 50, admin (GET /v1/users?limit=50)',
    baseline: 'express-pg-read',
    target: { minRatio: 0.4, maxP99Ms: 60 },
  },
  { name: 'product-page', title: 'product page of 50 (GET /v1/products?limit=50)', baseline: 'express-pg-read' },
  { name: 'login', title: 'login (POST /v1/auth/login, argon2id verify)', baseline: 'express-pg-read' },
  {
    name: 'order-place',
    title: 'place an order (POST /v1/orders, 1-3 random products, sandbox payment)',
    baseline: 'express-pg-write',
    target: { minRatio: 0.35, maxP99Ms: 150, zeroErrors: true },
  },
  { name: 'order-read', title: 'order read (GET /v1/orders/{id}, own order)', baseline: 'express-pg-read' },
];

/** Server RSS must stay under this in every run (issue 6). */
export const MAX_RSS_BYTES = 200 * 1024 * 1024;

/** A run whose non-2xx share is above this is flagged: its req/s would flatter the service. */
export const NON_2XX_FLAG_SHARE = 0.01;
