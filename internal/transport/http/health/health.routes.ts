import { Router } from 'express';
import type { CheckReadiness } from '../../../app/health/check-readiness.use-case.ts';
import type { components } from '../api-schema.d.ts';

type ReadinessDto = components['schemas']['Readiness'];

export function healthRouter(checkReadiness: CheckReadiness): Router {
  const router = Router();

  // Liveness does no I/O: a slow database must not get the process restarted.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness.execute();
    const body: ReadinessDto = {
      status: readiness.status,
      checks: Object.fromEntries(
        Object.entries(readiness.checks).map(([name, state]) => [
          name,
          { status: state.status, latency_ms: state.latencyMs, ...(state.error ? { error: state.error } : {}) },
        ]),
      ),
    };
    res.status(readiness.status === 'ready' ? 200 : 503).set('Cache-Control', 'no-store').json(body);
  });

  return router;
}
