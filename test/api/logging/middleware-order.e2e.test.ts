import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const lines: Record<string, unknown>[] = [];
let app: TestApp;

beforeAll(async () => {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  app = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '8' }, { logger });
});

afterAll(async () => {
  await app?.stop();
});

const accessLine = (traceId: string) => lines.find((line) => line.trace_id === traceId && line.msg !== undefined && 'status' in line);

describe('middleware order', () => {
  it('when authentication rejects a request, then the access log still records it with its trace id', async () => {
    const response = await fetch(`${app.baseUrl}/v1/users`, { headers: { authorization: 'Bearer not-a-token', 'x-request-id': 'order-auth-1' } });

    expect(response.status).toBe(401);
    expect(accessLine('order-auth-1')).toMatchObject({ status: 401, method: 'GET' });
  });

  it('when one caller exhausts the API limit, then another caller from the same address is not limited (the limiter runs after authentication)', async () => {
    const first = await app.customer();
    const second = await app.customer();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await first.api.GET('/v1/auth/me')).response.status);

    const limited = await fetch(`${app.baseUrl}/v1/auth/me`, { headers: { authorization: `Bearer ${first.token}`, 'x-request-id': 'order-limit-1' } });
    const other = await second.api.GET('/v1/auth/me');

    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(limited.status).toBe(429);
    expect(accessLine('order-limit-1')).toMatchObject({ status: 429 });
    expect(other.response.status).toBe(200);
  });

  it('when the API limit is reached, then health probes are still answered', async () => {
    const response = await fetch(`${app.baseUrl}/healthz`);

    expect(response.status).toBe(200);
  });
});
