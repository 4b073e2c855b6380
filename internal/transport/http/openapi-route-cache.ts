import { createRequire } from 'node:module';

type PathToRegexp = (path: string, options?: Record<string, unknown>) => unknown;

const MARK = Symbol.for('ordersvc.pathToRegexpCached');
const MAX_ENTRIES = 1_000;

/**
 * express-openapi-validator (5.x) finds the operation of every request by
 * compiling each route of the contract with path-to-regexp again, in order,
 * until one matches: dozens of regex compilations per request, a few percent
 * of the service's CPU under load (see docs/benchmarks.md). Upstream has an
 * open fix (cdimascio/express-openapi-validator#1217, "cache route
 * matchers"); until it ships, this memoizes `pathToRegexp` on the very module
 * instance the validator calls (it reads the export on every call). The
 * compiled result is only read (`regexp.exec` without the `g` flag, `keys`),
 * so sharing it is safe. Idempotent; returns whether the cache is in place.
 */
export function cacheValidatorRouteMatchers(): boolean {
  const fromValidator = createRequire(createRequire(import.meta.url).resolve('express-openapi-validator'));
  const module = fromValidator('path-to-regexp') as { pathToRegexp?: PathToRegexp & { [MARK]?: true } };
  const original = module.pathToRegexp;
  if (typeof original !== 'function') return false;
  if (original[MARK]) return true;
  const cache = new Map<string, unknown>();
  const cached = Object.assign(
    (path: string, options?: Record<string, unknown>): unknown => {
      // Only plain string paths with plain options are cached; anything else goes through as is.
      if (typeof path !== 'string') return original(path, options);
      const key = `${path}\u0000${JSON.stringify(options ?? {})}`;
      let compiled = cache.get(key);
      if (compiled === undefined) {
        compiled = original(path, options);
        if (cache.size < MAX_ENTRIES) cache.set(key, compiled);
      }
      return compiled;
    },
    { [MARK]: true as const },
  );
  module.pathToRegexp = cached;
  return true;
}
