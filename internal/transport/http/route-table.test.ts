import express, { Router, type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { assertUnambiguousRoutes, formatRouteTable, routeConflicts, routeTable, RouteTableError } from './route-table.ts';

const ok: RequestHandler = (_req, res) => {
  res.end();
};

describe('routeTable', () => {
  it('when routes are registered on the app and on mounted routers, then all are listed with their methods in matching order', () => {
    const app = express();
    app.use(express.json());
    app.get('/healthz', ok);
    const users = Router();
    users.route('/v1/users/:id').get(ok).patch(ok);
    app.use(users);
    const admin = Router();
    admin.post('/flags/:key', ok);
    app.use('/v1/admin', admin);

    expect(routeTable(app)).toEqual([
      { method: 'GET', path: '/healthz' },
      { method: 'GET', path: '/v1/users/:id' },
      { method: 'PATCH', path: '/v1/users/:id' },
      { method: 'POST', path: '/v1/admin/flags/:key' },
    ]);
    expect(formatRouteTable(routeTable(app)).split('\n')[1]).toBe('GET     /v1/users/:id');
  });
});

describe('routeConflicts', () => {
  it('when a literal route comes after a parameter route that matches it, then it is reported as shadowed', () => {
    expect(
      routeConflicts([
        { method: 'GET', path: '/v1/orders/:id' },
        { method: 'GET', path: '/v1/orders/summary' },
      ]),
    ).toEqual(['GET /v1/orders/summary is shadowed by GET /v1/orders/:id, registered before it']);
  });

  it('when the literal route comes first, or the methods differ, then there is no conflict', () => {
    expect(
      routeConflicts([
        { method: 'GET', path: '/v1/users/me' },
        { method: 'GET', path: '/v1/users/:id' },
        { method: 'POST', path: '/v1/orders/:id' },
        { method: 'GET', path: '/v1/orders/summary' },
        { method: 'GET', path: '/v1/orders/:id/lines' },
      ]),
    ).toEqual([]);
  });

  it('when one method and path is registered twice, even with other parameter names, then it is reported', () => {
    expect(
      routeConflicts([
        { method: 'DELETE', path: '/v1/users/:id' },
        { method: 'DELETE', path: '/v1/users/:userId' },
      ]),
    ).toEqual(['DELETE /v1/users/:userId is registered twice (also as DELETE /v1/users/:id); the second handler never runs']);
  });

  it('when an all-methods route comes first, then later routes it matches are shadowed whatever their method', () => {
    expect(routeConflicts([{ method: 'ALL', path: '/v1/*rest' }, { method: 'PUT', path: '/v1/things/:id' }])).toHaveLength(1);
  });
});

describe('assertUnambiguousRoutes', () => {
  it('when the app has a shadowed route, then it throws naming it', () => {
    const app = express();
    app.get('/v1/products/:id', ok);
    app.get('/v1/products/search', ok);

    expect(() => assertUnambiguousRoutes(app)).toThrow(RouteTableError);
    expect(() => assertUnambiguousRoutes(app)).toThrow('GET /v1/products/search is shadowed by GET /v1/products/:id');
  });
});
