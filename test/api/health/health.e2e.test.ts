import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../cmd/server/service.ts';
import { loadConfig } from '../../../internal/platform/config/load-config.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { ContractChecker } from '../../support/contract.ts';
import { freePort } from '../../support/free-port.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

describe('health', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('when liveness is asked, then it is 200 ok', async () => {
    const { data, response } = await app.api.GET('/healthz');

    expect(response.status).toBe(200);
    expect(data).toEqual({ status: 'ok' });
  });

  it('when PostgreSQL answers, then readiness is 200 with its latency', async () => {
    const { data, response } = await app.api.GET('/readyz');

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ status: 'ready', checks: { postgres: { status: 'up' } } });
  });

  it('when the trace id comes in traceparent, then it is echoed', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

    const response = await fetch(`${app.baseUrl}/healthz`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });

    expect(response.headers.get('x-request-id')).toBe(traceId);
  });

  it('when the trace id comes in X-Request-Id, then it is echoed', async () => {
    const response = await fetch(`${app.baseUrl}/healthz`, { headers: { 'x-request-id': 'req-123' } });

    expect(response.headers.get('x-request-id')).toBe('req-123');
  });
});

describe('without a reachable database', () => {
  let service: RunningService;
  let baseUrl: string;

  beforeAll(async () => {
    const { config } = loadConfig({
      DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/nothing`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DB_READY_TIMEOUT_MS: '500',
      DIAGNOSTICS_PORT: '0',
    });
    service = await startService(config, createLogger({ level: 'silent' }));
    baseUrl = `http://127.0.0.1:${service.port}`;
  });

  afterAll(async () => {
    await service?.shutdown.shutdown();
  });

  it('when PostgreSQL cannot be reached, then readiness is 503 and names the reason', async () => {
    const response = await fetch(`${baseUrl}/readyz`);

    expect(response.status).toBe(503);
    await new ContractChecker().check('/readyz', 'GET', response);
    const body = (await response.json()) as { status: string; checks: { postgres: { status: string; error?: string } } };
    expect(body.status).toBe('not_ready');
    expect(body.checks.postgres.status).toBe('down');
    expect(body.checks.postgres.error).toBeTruthy();
  });

  it('when PostgreSQL cannot be reached, then a read is 503 DEPENDENCY_UNAVAILABLE with Retry-After', async () => {
    const response = await fetch(`${baseUrl}/v1/products/0190f3a0-0000-7000-8000-000000000000`);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    await new ContractChecker().check('/v1/products/{id}', 'GET', response);
    expect(await response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
  });
});
