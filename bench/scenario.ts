import { randomInt } from 'node:crypto';
import type autocannon from 'autocannon';
import type { Kysely } from 'kysely';
import type { Database } from '../internal/adapter/postgres/database.ts';
import type { ScenarioInfo } from './catalog.ts';
import type { Fixtures } from './fixtures.ts';
import type { GrpcCaller } from './grpc-load.ts';
import type { Channel } from 'nice-grpc';

/** An order placed by a scenario, to be read back by a later one. */
export interface PlacedOrder {
  readonly id: string;
  readonly token: string;
}

/** What a scenario may use: the running service, its sign-ins and cursors, the database, and what earlier scenarios left. */
export interface ScenarioContext {
  readonly serviceUrl: string;
  /** host:port of the service's gRPC listener (h2c). */
  readonly grpcTarget: string;
  readonly fixtures: Fixtures;
  /** The harness's own pool on the bench database (checks, not load). */
  readonly db: Kysely<Database>;
  readonly state: {
    orders: readonly PlacedOrder[];
    /** Stock taken minus units held, checked after order placement; null until then. */
    stockDrift: number | null;
    readonly notes: string[];
  };
  readonly log: (line: string) => void;
}

interface ScenarioHooks extends ScenarioInfo {
  /** Why it cannot run now (e.g. nothing to read yet); runs when undefined. */
  readonly skip?: (ctx: ScenarioContext) => string | undefined;
  /** After each measured run: checks, and state for later scenarios. */
  readonly after?: (ctx: ScenarioContext) => Promise<void>;
}

/** Load over HTTP/1.1, driven by autocannon. */
export interface HttpScenario extends ScenarioHooks {
  readonly transport?: 'http';
  /** The requests autocannon sends (fixed, or built per request with `dynamic`). */
  readonly requests: (ctx: ScenarioContext) => autocannon.Request[];
}

/** Load over gRPC (HTTP/2, many concurrent calls per connection), driven by bench/grpc-load.ts. */
export interface GrpcScenario extends ScenarioHooks {
  readonly transport: 'grpc';
  /** Builds, once per channel, the function making one call through the generated clients. */
  readonly callerFor: (ctx: ScenarioContext, channel: Channel) => GrpcCaller;
}

/**
 * One measured load against the service. A scenario file exports a list of
 * these; main.ts registers it with one line. Scenarios run in the order of
 * that list.
 */
export type Scenario = HttpScenario | GrpcScenario;

export const JSON_BODY = { 'content-type': 'application/json' } as const;

// autocannon calls setupRequest before every request; the request it gets is
// its own reusable object, so the hook returns a fresh one.
export function dynamic(build: () => autocannon.Request): autocannon.Request {
  return {
    setupRequest: (request) => {
      const built = build();
      return { ...request, ...built, headers: { ...request.headers, ...built.headers } };
    },
  };
}

export function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('nothing to pick from');
  return items[randomInt(items.length)] as T;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function withCursor(path: string, cursor: string | undefined): string {
  return cursor === undefined ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
}
