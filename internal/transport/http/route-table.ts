import type { Express } from 'express';
import { match } from 'path-to-regexp';

/** One method and path the app answers, in registration order. */
export interface RouteEntry {
  readonly method: string;
  /** The path as registered (Express syntax: `/v1/users/:id`). */
  readonly path: string;
}

export class RouteTableError extends Error {
  override readonly name = 'RouteTableError';
  readonly conflicts: readonly string[];

  constructor(conflicts: readonly string[]) {
    super(`the route table is ambiguous:\n${conflicts.map((conflict) => `  - ${conflict}`).join('\n')}`);
    this.conflicts = conflicts;
  }
}

// The parts of router's Layer and Route this reads (not in the public types).
interface LayerLike {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> } | undefined;
  readonly handle?: { readonly stack?: readonly LayerLike[] } | undefined;
  readonly rawPath?: unknown;
  readonly slash?: boolean;
}

/** Every route of the app with its methods, in the order requests are matched. */
export function routeTable(app: Express): RouteEntry[] {
  return collect((app as unknown as { router: { stack: readonly LayerLike[] } }).router.stack, '');
}

function collect(stack: readonly LayerLike[], prefix: string): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const path of [layer.route.path].flat()) {
        if (typeof path !== 'string') continue;
        for (const [method, enabled] of Object.entries(layer.route.methods)) {
          if (enabled) routes.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: path === '/' && prefix ? prefix : prefix + path });
        }
      }
    } else if (layer.handle?.stack) {
      // A mounted router: at "/" (slash) or at a literal path.
      const mountedAt = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath.replace(/\/$/, '');
      routes.push(...collect(layer.handle.stack, prefix + mountedAt));
    }
  }
  return routes;
}

/**
 * What makes a table ambiguous: two handlers for one method and path (the
 * second never runs), and a route that an earlier one swallows (a parameter
 * route registered before a literal one it matches).
 */
export function routeConflicts(routes: readonly RouteEntry[]): string[] {
  const conflicts: string[] = [];
  routes.forEach((later, index) => {
    for (const earlier of routes.slice(0, index)) {
      if (!sameMethod(earlier.method, later.method)) continue;
      if (shape(earlier.path) === shape(later.path)) {
        conflicts.push(`${later.method} ${later.path} is registered twice (also as ${earlier.method} ${earlier.path}); the second handler never runs`);
        break;
      }
      if (match(earlier.path, { decode: false })(samplePath(later.path))) {
        conflicts.push(`${later.method} ${later.path} is shadowed by ${earlier.method} ${earlier.path}, registered before it`);
        break;
      }
    }
  });
  return conflicts;
}

/** Throws RouteTableError naming every conflict; the service refuses to start with one. */
export function assertUnambiguousRoutes(app: Express): void {
  const conflicts = routeConflicts(routeTable(app));
  if (conflicts.length > 0) throw new RouteTableError(conflicts);
}

/** The table as aligned text, one route per line. */
export function formatRouteTable(routes: readonly RouteEntry[]): string {
  const width = Math.max(6, ...routes.map((route) => route.method.length));
  return routes.map((route) => `${route.method.padEnd(width)}  ${route.path}`).join('\n');
}

function sameMethod(a: string, b: string): boolean {
  return a === b || a === 'ALL' || b === 'ALL';
}

// Parameter names do not matter to matching: /users/:id and /users/:userId are one route.
function shape(path: string): string {
  return path.replace(/:[A-Za-z0-9_$]+/g, ':').replace(/\*[A-Za-z0-9_$]+/g, '*');
}

// A concrete path the route matches; parameter values no literal route uses.
function samplePath(path: string): string {
  return path
    .replace(/[{}]/g, '')
    .replace(/:[A-Za-z0-9_$]+/g, '\u0000param')
    .replace(/\*[A-Za-z0-9_$]+/g, '\u0000rest/more');
}
