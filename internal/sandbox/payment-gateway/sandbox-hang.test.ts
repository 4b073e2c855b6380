import { afterEach, describe, expect, it } from 'vitest';
import { PaymentSandboxAdmin } from './sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from './start-sandbox.ts';

// Its own file: counting open sockets needs no other server in the process.
let sandbox: RunningPaymentSandbox | undefined;
afterEach(() => sandbox?.stop());

function openTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function authorize(url: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/v1/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'order-1' },
    body: JSON.stringify({ amount: 100, currency: 'EUR', card_token: 'tok_approved' }),
    ...(signal ? { signal } : {}),
  });
}

describe('hang', () => {
  it('when hang_rate is 1, then the client timeout fires, nothing is created, and after stop nothing is left open', async () => {
    const before = openTcpHandles();
    sandbox = await startPaymentSandbox();
    const admin = new PaymentSandboxAdmin(sandbox.url);
    await admin.setFaults({ hang_rate: 1 });

    const started = performance.now();
    await expect(authorize(sandbox.url, AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(await admin.stats()).toMatchObject({ requests: 1, authorizations: 0 });

    await sandbox.stop();
    await eventually(() => openTcpHandles() <= before);
  });

  it('when the server stops while a client still waits, then the hung request is cut and stop completes', async () => {
    const before = openTcpHandles();
    sandbox = await startPaymentSandbox();
    const admin = new PaymentSandboxAdmin(sandbox.url);
    await admin.setFaults({ hang_rate: 1 });
    const hung = authorize(sandbox.url);
    await expect.poll(() => admin.stats().then((stats) => stats.requests)).toBe(1);

    await sandbox.stop();

    await expect(hung).rejects.toThrow(TypeError);
    await eventually(() => openTcpHandles() <= before);
  });

  it('when the server stops during injected latency, then the waiting request is cut and no timer keeps the process alive', async () => {
    const before = process.getActiveResourcesInfo().length;
    sandbox = await startPaymentSandbox();
    const admin = new PaymentSandboxAdmin(sandbox.url);
    await admin.setFaults({ latency_ms: { min: 60_000, max: 60_000 } });
    const slow = authorize(sandbox.url);
    await expect.poll(() => admin.stats().then((stats) => stats.requests)).toBe(1);

    await sandbox.stop();

    await expect(slow).rejects.toThrow(TypeError);
    await eventually(() => process.getActiveResourcesInfo().length <= before);
  });
});
