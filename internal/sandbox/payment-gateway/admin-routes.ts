import { Router } from 'express';
import type { AuthorizationStore } from './authorization-store.ts';
import type { HungRequests } from './fault-middleware.ts';
import { parseFaultConfig, type FaultInjector } from './faults.ts';
import { sendError } from './send-error.ts';

/** Counts the `/v1` requests received, faulted ones included. */
export interface RequestCounter {
  requests: number;
}

/** `/admin`: fault switches, stats and reset. Never subject to faults. */
export function adminRoutes(store: AuthorizationStore, faults: FaultInjector, hung: HungRequests, counter: RequestCounter): Router {
  const router = Router();

  router.get('/faults', (_req, res) => {
    res.json(faults.current());
  });

  router.put('/faults', (req, res) => {
    const parsed = parseFaultConfig(req.body);
    if (!parsed.ok) return sendError(res, 400, 'invalid_request', parsed.message);
    faults.replace(parsed.config);
    res.json(faults.current());
  });

  router.delete('/faults', (_req, res) => {
    faults.reset();
    res.json(faults.current());
  });

  router.get('/stats', (_req, res) => {
    const { authorizations, byStatus } = store.stats();
    res.json({ requests: counter.requests, authorizations, by_status: byStatus });
  });

  router.post('/reset', (_req, res) => {
    store.clear();
    faults.reset();
    counter.requests = 0;
    // A request left hanging by the previous test must not outlive the reset.
    hung.releaseAll();
    res.json({ status: 'ok' });
  });

  return router;
}
