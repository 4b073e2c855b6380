/**
 * The baselines, the shape of a target, and the run-wide limits. Pure data:
 * the scenarios themselves (with their requests) are registered in main.ts.
 */

export type BaselineName =
  | 'node-http'
  | 'express-hello'
  | 'express-pg-read'
  | 'express-pg-write'
  | 'express-pg-user-page'
  | 'express-pg-product-page'
  | 'grpc-hello'
  | 'jetstream-publish';

export interface BaselineInfo {
  readonly name: BaselineName;
  readonly title: string;
  /**
   * How it is loaded: autocannon over HTTP (the default), the gRPC load
   * generator on its GRPC_PORT, or — for the JetStream publisher, which makes
   * its own load — one POST /run that publishes for the measured window.
   */
  readonly kind?: 'http' | 'grpc' | 'jetstream';
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
  /** A gRPC scenario: the REST scenario doing the same operation, its row in the REST-vs-gRPC table. */
  readonly restTwin?: string;
  /** Order placement: the events the service relays to JetStream are measured over its window. */
  readonly measuresEvents?: boolean;
}

export const BASELINES: readonly BaselineInfo[] = [
  { name: 'node-http', title: 'bare node:http hello-world', script: 'node-http.ts', readyPath: '/' },
  { name: 'express-hello', title: 'bare express 5 hello-world', script: 'express-hello.ts', readyPath: '/' },
  { name: 'express-pg-read', title: 'bare express 5 + one primary-key SELECT (pg pool)', script: 'express-pg-read.ts', readyPath: '/users/1' },
  { name: 'express-pg-write', title: 'bare express 5 + two-statement transaction (UPDATE stock, INSERT order)', script: 'express-pg-write.ts', readyPath: '/healthz' },
  { name: 'express-pg-user-page', title: "bare express 5 + the service's user page SELECT (50 rows, roles)", script: 'express-pg-page.ts', readyPath: '/healthz' },
  { name: 'express-pg-product-page', title: "bare express 5 + the service's product page SELECT (50 rows)", script: 'express-pg-page.ts', readyPath: '/healthz' },
  { name: 'grpc-hello', title: 'bare @grpc/grpc-js server, one unary hello method', script: 'grpc-hello.ts', readyPath: '/healthz', kind: 'grpc' },
  {
    name: 'jetstream-publish',
    title: 'bare JetStream publish of event-sized messages, one publish in flight awaiting its ack (as the relay publishes within one aggregate)',
    script: 'jetstream-publish.ts',
    readyPath: '/healthz',
    kind: 'jetstream',
  },
];

/** Baselines that only run with their transport (gRPC) or broker (NATS). */
export const GRPC_BASELINES: readonly BaselineName[] = ['grpc-hello'];
export const EVENT_BASELINES: readonly BaselineName[] = ['jetstream-publish'];

/** Size of the bare JetStream baseline's messages: about an order event's envelope (the report prints the relayed messages' mean beside it). */
export const EVENT_MESSAGE_BYTES = 650;

/** Server RSS must stay under this in every run (issue 14). */
export const MAX_RSS_BYTES = 200 * 1024 * 1024;

/** A run whose non-2xx share is above this is flagged: its req/s would flatter the service. */
export const NON_2XX_FLAG_SHARE = 0.01;
