import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorizationView } from './authorization-store.ts';
import { PaymentSandboxAdmin } from './sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from './start-sandbox.ts';

const APPROVED = { amount: 1250, currency: 'EUR', card_token: 'tok_approved' };

let sandbox: RunningPaymentSandbox;
let admin: PaymentSandboxAdmin;

beforeAll(async () => {
  sandbox = await startPaymentSandbox();
  admin = new PaymentSandboxAdmin(sandbox.url);
});
beforeEach(() => admin.reset());
afterAll(() => sandbox?.stop());

function authorize(key: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.url}/v1/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(APPROVED),
    ...init,
  });
}

function lookup(key: string): Promise<Response> {
  return fetch(`${sandbox.url}/v1/authorizations?idempotency_key=${key}`);
}

async function timed(request: () => Promise<Response>): Promise<{ status: number; elapsedMs: number }> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { status: response.status, elapsedMs: performance.now() - started };
}


async function authorizationOf(response: Response): Promise<AuthorizationView> {
  return (await response.json()) as AuthorizationView;
}

async function itemsOf(response: Response): Promise<AuthorizationView[]> {
  return ((await response.json()) as { items: AuthorizationView[] }).items;
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('latency', () => {
  it('when latency is a range, then every answer comes within it', async () => {
    await admin.setFaults({ latency_ms: { min: 40, max: 80 } });

    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => timed(() => authorize(`order-${i}`))));

    for (const { status, elapsedMs } of results) {
      expect(status).toBe(201);
      expect(elapsedMs).toBeGreaterThanOrEqual(39);
      // Generous above: the machine may be busy, the delay itself is bounded by max.
      expect(elapsedMs).toBeLessThan(80 + 1_000);
    }
  });

  it('when min equals max, then the latency is fixed', async () => {
    await admin.setFaults({ latency_ms: { min: 60, max: 60 } });

    const { status, elapsedMs } = await timed(() => lookup('order-1'));

    expect(status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(59);
    expect(elapsedMs).toBeLessThan(60 + 1_000);
  });
});

describe('failures', () => {
  it('when error_rate is 1, then every API request is 503 unavailable and nothing is created', async () => {
    await admin.setFaults({ error_rate: 1 });

    const responses = await Promise.all([authorize('a'), authorize('b'), lookup('a')]);

    for (const response of responses) {
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe('unavailable');
    }
    expect(await admin.stats()).toMatchObject({ requests: 3, authorizations: 0 });
  });

  it('when fail_next is 2, then two 503 come before the 201 and one authorization exists', async () => {
    await admin.setFaults({ fail_next: 2 });

    const statuses = [(await authorize('order-1')).status, (await authorize('order-1')).status, (await authorize('order-1')).status];

    expect(statuses).toEqual([503, 503, 201]);
    expect((await admin.stats()).authorizations).toBe(1);
    expect(await admin.faults()).toEqual({ fail_next: 0 });
  });

  it('when fail_after_commit_next is 1, then the 503 hides a real authorization that a retry with the key returns', async () => {
    await admin.setFaults({ fail_after_commit_next: 1 });

    const lost = await authorize('order-1');
    const [found] = await itemsOf(await lookup('order-1'));
    const retry = await authorize('order-1');

    expect(lost.status).toBe(503);
    expect((await errorOf(lost)).code).toBe('unavailable');
    expect(found).toMatchObject({ idempotency_key: 'order-1', status: 'approved' });
    expect(retry.status).toBe(200);
    expect(await authorizationOf(retry)).toEqual(found);
    expect((await admin.stats()).authorizations).toBe(1);
  });

  it('when reset_rate is 1, then the connection is dropped without an answer and nothing is created', async () => {
    await admin.setFaults({ reset_rate: 1 });

    await expect(authorize('order-1')).rejects.toThrow(TypeError);
    expect((await admin.stats()).authorizations).toBe(0);
  });

  it('when rate_limit_rate is 1, then the answer is 429 with Retry-After', async () => {
    await admin.setFaults({ rate_limit_rate: 1, retry_after_s: 7 });

    const response = await authorize('order-1');

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect((await errorOf(response)).code).toBe('rate_limited');
    expect((await admin.stats()).authorizations).toBe(0);
  });

  it('when rate limited without retry_after_s, then Retry-After is 1', async () => {
    await admin.setFaults({ rate_limit_rate: 1 });

    expect((await authorize('order-1')).headers.get('retry-after')).toBe('1');
  });
});

describe('fault configuration', () => {
  it('when the scope is authorize, then only POST /v1/authorizations is faulted', async () => {
    await admin.setFaults({ error_rate: 1, scope: 'authorize' });

    expect((await authorize('order-1')).status).toBe(503);
    expect((await lookup('order-1')).status).toBe(200);
  });

  it('when faults are on, then /admin and /healthz still answer', async () => {
    await admin.setFaults({ hang_rate: 0.5, error_rate: 0.5, latency_ms: { min: 5_000, max: 5_000 } });

    const answers = await Promise.all([
      fetch(`${sandbox.url}/healthz`, { signal: AbortSignal.timeout(2_000) }),
      fetch(`${sandbox.url}/admin/stats`, { signal: AbortSignal.timeout(2_000) }),
      fetch(`${sandbox.url}/admin/faults`, { signal: AbortSignal.timeout(2_000) }),
    ]);

    expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it('when the configuration is replaced, then the old options are gone; DELETE clears it', async () => {
    await admin.setFaults({ error_rate: 1, retry_after_s: 3 });

    expect(await admin.setFaults({ reset_rate: 0.25 })).toEqual({ reset_rate: 0.25 });
    await admin.clearFaults();
    expect(await admin.faults()).toEqual({});
  });

  it('when the configuration is invalid, then it is 400 and the previous one stays', async () => {
    await admin.setFaults({ error_rate: 0.5 });

    const response = await fetch(`${sandbox.url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error_rate: 2 }),
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_request');
    expect(await admin.faults()).toEqual({ error_rate: 0.5 });
  });
});
