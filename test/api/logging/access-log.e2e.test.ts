import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const lines: Record<string, unknown>[] = [];
let app: TestApp;

beforeAll(async () => {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  app = await startTestApp({}, { logger });
});

afterAll(async () => {
  await app?.stop();
});

function accessLinesFor(traceId: string) {
  return lines.filter((line) => line.trace_id === traceId && typeof line.duration_ms === 'number');
}

describe('access log', () => {
  it('when a request is served, then exactly one line records method, route template, status, duration and trace id', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const id = '0190f3a0-0000-7000-8000-0000000000aa';

    await fetch(`${app.baseUrl}/v1/products/${id}`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });

    const access = accessLinesFor(traceId);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/v1/products/:id', status: 404, trace_id: traceId, level: 'warn' });
    expect(JSON.stringify(access[0])).not.toContain(id);
  });

  it('when a request is rejected before any route, then it is still logged with its trace id', async () => {
    await fetch(`${app.baseUrl}/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'rejected-1' }, body: '{oops' });

    expect(accessLinesFor('rejected-1')).toEqual([expect.objectContaining({ method: 'POST', status: 400 })]);
  });

  it('when a request carries credentials, then none of them reaches the log', async () => {
    const secrets = ['Bearer s3cr3t-token', 'session=c00kie-value', 'hunter2-password'];

    await fetch(`${app.baseUrl}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: secrets[0]!, cookie: secrets[1]!, 'x-request-id': 'secret-1' },
      body: JSON.stringify({ name: 'Secret', email: 'secret@example.com', password: secrets[2] }),
    });

    expect(accessLinesFor('secret-1')).toHaveLength(1);
    const everything = JSON.stringify(lines);
    for (const secret of secrets) expect(everything).not.toContain(secret.split(' ').pop());
  });

  it('when the logger is handed secrets directly, then the known fields are redacted', () => {
    const captured: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void captured.push(line) } });

    logger.info({ user: { password: 'pw-1' }, token: 'tk-1', req: { headers: { authorization: 'Bearer tk-2', cookie: 'c-1' } }, payment: { card_number: '4242424242424242' } }, 'x');

    expect(captured.join('')).not.toMatch(/pw-1|tk-1|tk-2|c-1|4242424242424242/);
  });
});
