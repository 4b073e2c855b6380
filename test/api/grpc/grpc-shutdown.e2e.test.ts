import { randomBytes } from 'node:crypto';
import { ClientError, Status } from 'nice-grpc';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentSandboxAdmin } from '../../../internal/sandbox/payment-gateway/sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../../internal/sandbox/payment-gateway/start-sandbox.ts';
import type { paths } from '../../../internal/transport/http/api-schema.d.ts';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { createProduct, uniqueKey } from '../../support/orders-api.ts';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';
import type { SignedIn } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const GRACE_MS = 15_000;
const GATEWAY_LATENCY_MS = 1_200;
const ADMIN = { email: 'admin@ordersvc.test', password: 'correct horse battery staple' };

let database: TestDatabase;
let sandbox: RunningPaymentSandbox;
let server: ServerProcess | undefined;
const opened: GrpcClients[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  sandbox = await startPaymentSandbox({ port: 0 });
});

afterAll(async () => {
  for (const client of opened) client.close();
  server?.kill('SIGKILL');
  await sandbox?.stop();
  await database?.drop();
});

async function signIn(baseUrl: string, email: string, password: string): Promise<SignedIn> {
  const api = createClient<paths>({ baseUrl });
  const { data, response } = await api.POST('/v1/auth/login', { body: { email, password } });
  if (!data) throw new Error(`sign-in failed with ${response.status}`);
  return { token: data.token, user: data.user, api: createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${data.token}` } }) };
}

/** Reads a stream to its end: what it sent, and how it ended (undefined: OK). */
async function drain<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error: ClientError | undefined }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    if (error instanceof ClientError) return { items, error };
    throw error;
  }
}

describe('gRPC on SIGTERM', () => {
  it('when SIGTERM comes with a watch open and slow PlaceOrder calls in flight, then health says NOT_SERVING, the calls finish OK, the watch ends with a status and the process exits 0 within the grace', async () => {
    server = await startServerProcess({
      DATABASE_URL: database.url,
      PAYMENT_GATEWAY_URL: sandbox.url,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_DRAIN_DELAY_MS: '300',
      ADMIN_BOOTSTRAP_EMAIL: ADMIN.email,
      ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password,
      RATE_LIMIT_AUTH_PER_WINDOW: '1000',
    });
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const grpcPort = server.logs.find((entry) => entry.msg === 'ordersvc listening')?.grpcPort as number;
    const product = await createProduct(await signIn(baseUrl, ADMIN.email, ADMIN.password), { stock: 10 });
    const email = `drain.${randomBytes(4).toString('hex')}@example.com`;
    const anonymous = grpcClients(grpcPort);
    opened.push(anonymous);
    const { user } = await anonymous.auth.register({ name: 'Drain', email, password: 'a long enough password' });
    const { token } = await anonymous.auth.login({ email, password: 'a long enough password' });
    const client = grpcClients(grpcPort, token);
    opened.push(client);

    // Health: SERVING now, watched through the shutdown.
    const healthStatuses: number[] = [];
    const health = drain(client.health.watch({ service: '' }));
    const activity = drain(client.activity.watchUserActivity({ userId: user!.id, afterEventId: '' }));
    const gateway = new PaymentSandboxAdmin(sandbox.url);
    await gateway.setFaults({ latency_ms: { min: GATEWAY_LATENCY_MS, max: GATEWAY_LATENCY_MS }, scope: 'authorize' });
    const requestsBefore = (await gateway.stats()).requests;
    const placements = Array.from({ length: 3 }, () =>
      client.orders.placeOrder({ idempotencyKey: uniqueKey('drain'), lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } }),
    );
    // All three are at the gateway (and the watch is live: nothing reaches the gateway before the order is recorded).
    await expect.poll(async () => (await gateway.stats()).requests - requestsBefore, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);

    const signalledAt = performance.now();
    server.kill('SIGTERM');
    const placed = await Promise.all(placements);
    const exitCode = await server.exited;
    const exitedAfterMs = performance.now() - signalledAt;
    const [watched, healthEnd] = await Promise.all([activity, health]);
    for (const { status } of healthEnd.items) healthStatuses.push(status);

    expect(placed.map((answer) => answer.order?.status)).toEqual(['paid', 'paid', 'paid']);
    // The watch delivered what happened, then ended with a status telling the client to resume elsewhere.
    expect(watched.items.map(({ event }) => event?.type)).toEqual(expect.arrayContaining(['order_placed']));
    expect(watched.error?.code).toBe(Status.UNAVAILABLE);
    expect(watched.error?.details).toMatch(/resume from the last event id/);
    // Health went NOT_SERVING (2) while draining, and its watch ended with OK.
    expect(healthStatuses[0]).toBe(1);
    expect(healthStatuses).toContain(2);
    expect(healthEnd.error).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(exitedAfterMs).toBeLessThan(GRACE_MS);
    expect(server.logs.some((entry) => entry.msg === 'ordersvc stopped' && entry.clean === true)).toBe(true);
    expect(server.logs.some((entry) => entry.msg === 'grace period over; open gRPC calls were cut')).toBe(false);
  });
});
