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
      // String paths with the two options the validator passes are cached; anything else goes through as is.
      const flags = flagsOf(options);
      if (typeof path !== 'string' || flags === undefined) return original(path, options);
      const key = flags + path;
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

// A short key for { sensitive, strict } (it runs for every route of every request); undefined for other options.
function flagsOf(options: Record<string, unknown> | undefined): string | undefined {
  if (options === undefined) return '--';
  for (const key in options) if (key !== 'sensitive' && key !== 'strict') return undefined;
  return `${options.sensitive === true ? 's' : '-'}${options.strict === true ? 't' : '-'}`;
}
