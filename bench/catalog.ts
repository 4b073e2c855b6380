/**
 * The baselines, the shape of a target, and the run-wide limits. Pure data:
 * the scenarios themselves (with their requests) are registered in main.ts.
 */

export type BaselineName = 'node-http' | 'express-hello' | 'express-pg-read' | 'express-pg-write' | 'express-pg-user-page' | 'express-pg-product-page';

export interface BaselineInfo {
  readonly name: BaselineName;
  readonly title: string;
  /** Its entry point under bench/baselines/. */
  readonly script: string;
  /** Polled until it answers 200. */
  readonly readyPath: string;
}

/** A target from the issue; a missing field is not checked. */
export interface Target {
  /** Most server CPU per request, as a multiple of the compared baseline's in the same run. */
  readonly maxCpuRatio?: number;
  readonly maxP99Ms?: number;
  /** No socket errors, no timeouts and no non-2xx answers. */
  readonly zeroErrors?: boolean;
}

export interface ScenarioInfo {
  /** Unique, kebab-case; `--only` takes it. */
  readonly name: string;
  readonly title: string;
  /** The baseline it is compared with: the cheapest bare server doing comparable work. */
  readonly baseline: BaselineName;
  readonly target?: Target;
}

export const BASELINES: readonly BaselineInfo[] = [
  { name: 'node-http', title: 'bare node:http hello-world', script: 'node-http.ts', readyPath: '/' },
  { name: 'express-hello', title: 'bare express 5 hello-world', script: 'express-hello.ts', readyPath: '/' },
  { name: 'express-pg-read', title: 'bare express 5 + one primary-key SELECT (pg pool)', script: 'express-pg-read.ts', readyPath: '/users/1' },
  { name: 'express-pg-write', title: 'bare express 5 + two-statement transaction (UPDATE stock, INSERT order)', script: 'express-pg-write.ts', readyPath: '/healthz' },
  { name: 'express-pg-user-page', title: "bare express 5 + the service's user page SELECT (50 rows, roles)", script: 'express-pg-page.ts', readyPath: '/healthz' },
  { name: 'express-pg-product-page', title: "bare express 5 + the service's product page SELECT (50 rows)", script: 'express-pg-page.ts', readyPath: '/healthz' },
];

/** Server RSS must stay under this in every run (issue 14). */
export const MAX_RSS_BYTES = 200 * 1024 * 1024;

/** A run whose non-2xx share is above this is flagged: its req/s would flatter the service. */
export const NON_2XX_FLAG_SHARE = 0.01;
