import { pathToRegexp } from 'path-to-regexp';
import { describe, expect, it } from 'vitest';
import { indexValidatorRoutes, RouteIndex } from './openapi-route-index.ts';

// The contract's shapes, in its order (a static segment before a parameter of the same place, as in the contract).
const ROUTES = [
  '/v1/users',
  '/v1/users/:id',
  '/v1/users/:id/password-reset',
  '/v1/users/:id/activity',
  '/v1/users/:id/activity/stream',
  '/v1/auth/login',
  '/v1/auth/me',
  '/v1/products',
  '/v1/products/:id',
  '/v1/orders/:id/cancel',
  '/v1/admin/jobs/:id/retry',
  '/v1/admin/flags/:key',
  '/healthz',
  '/:anything/odd(.*)',
];
const ALL = Object.fromEntries(ROUTES.map((route, i) => [route, { i }]));

// What the validator's lookup answers: the first route, in order, whose regex matches.
function firstMatch(routes: readonly string[], path: string): string | undefined {
  return routes.find((route) => {
    try {
      return pathToRegexp(route, { sensitive: false, end: true }).regexp.exec(path) !== null;
    } catch {
      // A shape path-to-regexp 8 refuses: never a match, as in the validator's own compile.
      return false;
    }
  });
}

describe('RouteIndex', () => {
  const index = new RouteIndex(ALL);

  it.each([
    '/v1/users',
    '/v1/users/',
    '/v1/users/me',
    '/V1/Users/0190-abc',
    '/v1/users/abc/activity',
    '/v1/users/abc/activity/stream',
    '/v1/products/p-1',
    '/v1/products/p-1/',
    '/v1/orders/o-1/cancel',
    '/v1/admin/jobs/j-1/retry',
    '/v1/admin/flags/orders.placement.paused',
    '/v1/auth/me',
    '/healthz',
    '/nowhere/at/all',
    '/',
    '',
  ])('when %s is looked up, then its bucket holds the route a search of every route finds, in the contract order', (path) => {
    const candidates = Object.keys(index.candidatesFor(path));
    expect(firstMatch(candidates, path)).toBe(firstMatch(ROUTES, path));
    // Kept in order and far fewer than all.
    expect(candidates).toEqual(ROUTES.filter((route) => candidates.includes(route)));
    expect(candidates.length).toBeLessThanOrEqual(4);
  });

  it('when a route is not plain segments and parameters, then it is a candidate for every path', () => {
    expect(Object.keys(index.candidatesFor('/v1/products/p-1'))).toContain('/:anything/odd(.*)');
    expect(Object.keys(index.candidatesFor('/x'))).toContain('/:anything/odd(.*)');
  });

  it('when a bucket is asked again, then the same object is handed out (computed once per key)', () => {
    expect(index.candidatesFor('/v1/products/a')).toBe(index.candidatesFor('/v1/products/b'));
  });

  it('when installed, then it is in place once however often it is called', () => {
    expect(indexValidatorRoutes()).toBe(true);
    expect(indexValidatorRoutes()).toBe(true);
  });
});
