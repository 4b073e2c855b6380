import { createRequire } from 'node:module';
import type { NextFunction, Request, Response } from 'express';

type Middleware = (req: Request, res: Response, next: NextFunction) => unknown;
type RouteMap = Record<string, unknown>;
/** The part of the validator's OpenApiContext read here (express-openapi-validator 5.x). */
interface ValidatorContext {
  expressRouteMap: RouteMap;
  readonly useRequestUrl?: boolean;
}
interface ValidatorPrototype {
  metadataMiddleware: ((this: unknown, context: ValidatorContext, responseApiDoc: unknown) => Middleware) & { [MARK]?: true };
}

const MARK = Symbol.for('ordersvc.validatorRouteIndex');
// Buckets kept per process; a path that would make more (a scan of made-up prefixes) is served without storing one.
const MAX_BUCKETS = 512;
// How many leading segments key a bucket: `/v1/<resource>` tells the contract's routes apart.
const KEY_SEGMENTS = 2;

/**
 * express-openapi-validator (5.x) finds a request's operation by trying every
 * route of the contract in order (`lookupRoute` in openapi.metadata.js: ~28
 * routes, a regex each, and per route `Object.entries`, two `app.enabled`
 * reads and a map lookup): ~5% of a cached read's CPU in the bench profile.
 * This hands that search, per request, only the routes that can match the
 * path: the same segment count, and the same literal segments where the
 * route has them among the first two (a bucket computed once per such key).
 * The search itself, its order and its answers are the validator's own; the
 * routes left out could not have matched (a parameter never spans a `/`, and
 * a route with anything but plain and `:param` segments is in every bucket).
 * Installed on the validator's prototype, as the module instance is not
 * handed out; idempotent; returns whether it is in place.
 */
export function indexValidatorRoutes(): boolean {
  const fromValidator = createRequire(createRequire(import.meta.url).resolve('express-openapi-validator'));
  const module = fromValidator('./openapi.validator') as { OpenApiValidator?: { prototype: ValidatorPrototype } };
  const prototype = module.OpenApiValidator?.prototype;
  const original = prototype?.metadataMiddleware;
  if (!prototype || typeof original !== 'function') return false;
  if (original[MARK]) return true;
  const indexed = Object.assign(
    function metadataMiddleware(this: unknown, context: ValidatorContext, responseApiDoc: unknown): Middleware {
      const index = new RouteIndex(context.expressRouteMap);
      // The validator reads `expressRouteMap` through this view: the request's bucket while its lookup runs, all routes otherwise.
      let current: RouteMap = context.expressRouteMap;
      const view = Object.create(context, { expressRouteMap: { get: () => current, configurable: true } }) as ValidatorContext;
      const inner = original.call(this, view, responseApiDoc);
      return (req, res, next) => {
        current = index.candidatesFor(lookupPath(req, context.useRequestUrl === true));
        try {
          return inner(req, res, next);
        } finally {
          current = context.expressRouteMap;
        }
      };
    },
    { [MARK]: true as const },
  );
  prototype.metadataMiddleware = indexed;
  return true;
}

// The path the validator's lookup matches.
function lookupPath(req: Request, useRequestUrl: boolean): string {
  const url = useRequestUrl ? req.url : req.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

interface IndexedRoute {
  readonly route: string;
  /** Segment count, or undefined when the route is not plain enough to tell (then it is a candidate everywhere). */
  readonly count: number | undefined;
  /** The first KEY_SEGMENTS segments, lower-cased; undefined for a parameter. */
  readonly leading: readonly (string | undefined)[];
}

export class RouteIndex {
  readonly #all: RouteMap;
  readonly #routes: readonly IndexedRoute[];
  readonly #buckets = new Map<string, RouteMap>();

  constructor(all: RouteMap) {
    this.#all = all;
    this.#routes = Object.keys(all).map(describe);
  }

  /** The routes (in the contract's order) that can match `path`. */
  candidatesFor(path: string): RouteMap {
    const segments = segmentsOf(path);
    const leading = segments.slice(0, KEY_SEGMENTS).map((segment) => segment.toLowerCase());
    const key = `${segments.length}/${leading.join('/')}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = {};
      for (const route of this.#routes) {
        if (route.count !== undefined && (route.count !== segments.length || route.leading.some((literal, i) => literal !== undefined && literal !== leading[i]))) continue;
        bucket[route.route] = this.#all[route.route];
      }
      if (this.#buckets.size < MAX_BUCKETS) this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

// `/v1/users/abc` and `/v1/users/abc/` (routing is not strict) → ['v1', 'users', 'abc'].
function segmentsOf(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function describe(route: string): IndexedRoute {
  const segments = segmentsOf(route);
  const plain = route.startsWith('/') && segments.every((segment) => /^(:[A-Za-z0-9_]+|[A-Za-z0-9._~-]*)$/.test(segment));
  if (!plain) return { route, count: undefined, leading: [] };
  return { route, count: segments.length, leading: segments.slice(0, KEY_SEGMENTS).map((segment) => (segment.startsWith(':') ? undefined : segment.toLowerCase())) };
}
