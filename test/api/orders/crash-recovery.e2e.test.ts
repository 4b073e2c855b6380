import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentSandboxAdmin } from '../../../internal/sandbox/payment-gateway/sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../../internal/sandbox/payment-gateway/start-sandbox.ts';
import {
  authorizeAtSandbox,
  crashRows,
  killHard,
  processClient,
  registerCustomer,
  sandboxAuthorizationFor,
  signIn,
  until,
  type OrderRow,
} from '../../support/crash.ts';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const ADMIN_EMAIL = 'crash.admin@ordersvc.test';
const ADMIN_PASSWORD = 'crash-admin-password-0123456789';
// Far longer than the test waits: the authorization is still held when the process dies.
const HELD_MS = 30_000;

let database: TestDatabase;
let sandbox: RunningPaymentSandbox;
let sandboxAdmin: PaymentSandboxAdmin;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  sandbox = await startPaymentSandbox({ port: 0 });
  sandboxAdmin = new PaymentSandboxAdmin(sandbox.url);
});

beforeEach(async () => {
  await sandboxAdmin.reset();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map(killHard));
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map(killHard));
  await sandbox?.stop();
  await database?.drop();
});

/** The same environment for the process that crashes and the one that replaces it. */
function serverEnv(): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    PAYMENT_GATEWAY_URL: sandbox.url,
    ADMIN_BOOTSTRAP_EMAIL: ADMIN_EMAIL,
    ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    // Short, and consistent: recovery must not take on an order its request may still be settling.
    ORDER_RECOVER_AFTER_MS: '3000',
    HTTP_REQUEST_BUDGET_MS: '2500',
    ORDER_SETTLE_TIMEOUT_MS: '500',
    RATE_LIMIT_AUTH_PER_WINDOW: '1000',
  };
}

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess(serverEnv());
  servers.push(server);
  return server;
}

type Variant = 'never authorized' | 'authorized after the crash';

describe('crash between reservation and authorization', () => {
  it.each<Variant>(['never authorized', 'authorized after the crash'])(
    'when the process is SIGKILLed with the order reserved but not authorized (%s), then the restarted process settles it with stock and payment agreeing',
    async (variant) => {
      const rows = crashRows(database);
      const first = await startServer();
      const admin = await signIn(first.port, ADMIN_EMAIL, ADMIN_PASSWORD);
      const { data: product } = await processClient(first.port, admin.token).POST('/v1/products', {
        body: { sku: `CRASH-${randomBytes(4).toString('hex')}`, name: 'Crash mug', price: { amount: 1250, currency: 'EUR' }, stock: 10 },
      });
      if (!product) throw new Error('the product could not be created');
      const customer = await registerCustomer(first.port);

      // Every gateway call is held, the authorization and any lookup alike: the
      // crashing process can neither learn the outcome nor settle the order itself.
      await sandboxAdmin.setFaults({ latency_ms: { min: HELD_MS, max: HELD_MS }, scope: 'all' });
      const idempotencyKey = randomUUID();
      const orderRequest = {
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        body: { lines: [{ product_id: product.id, quantity: 3 }], payment: { card_token: 'tok_approved' } },
      };
      const placing = processClient(first.port, customer.token)
        .POST('/v1/orders', orderRequest)
        .then(
          ({ response }) => ({ answered: response.status }),
          (error: unknown) => ({ failed: error }),
        );

      const order = await until('the order to be pending with its stock reserved and the authorization at the gateway', async () => {
        const [found] = await rows.ordersOf(customer.userId);
        if (found?.status !== 'pending' || (await rows.stockOf(product.id)) !== 7) return undefined;
        return (await sandboxAdmin.stats()).requests >= 1 ? found : undefined;
      });
      first.kill('SIGKILL');
      await first.exited;

      expect(first.child.signalCode).toBe('SIGKILL');
      expect(await placing).toHaveProperty('failed');
      // The crash left exactly the state recovery exists for.
      expect(await rows.ordersOf(customer.userId)).toEqual([expect.objectContaining({ id: order.id, status: 'pending', authorizationId: null })]);
      expect(await rows.stockOf(product.id)).toBe(7);
      expect(await rows.reservationOf(order.id)).toBe('reserved');

      await sandboxAdmin.clearFaults();
      let authorizationId: string | undefined;
      if (variant === 'never authorized') {
        // The held authorization died with the client's socket.
        expect(await sandboxAuthorizationFor(sandbox.url, order.id)).toBeUndefined();
      } else {
        // The gateway answered after the process died.
        const { status, authorization } = await authorizeAtSandbox(sandbox.url, {
          idempotencyKey: order.id,
          amount: order.totalAmount,
          currency: order.currency,
          cardToken: 'tok_approved',
        });
        expect({ status, authorizationStatus: authorization.status }).toEqual({ status: 201, authorizationStatus: 'approved' });
        authorizationId = authorization.id;
      }

      const second = await startServer();
      const customerApi = processClient(second.port, customer.token);
      const settled = await until(`order ${order.id} to leave pending after the restart`, async () => {
        const { data } = await customerApi.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
        return data && data.status !== 'pending' ? data : undefined;
      });

      const [stored] = await rows.ordersOf(customer.userId);
      const stock = await rows.stockOf(product.id);
      const reservation = await rows.reservationOf(order.id);
      const atGateway = await sandboxAuthorizationFor(sandbox.url, order.id);
      const stats = await sandboxAdmin.stats();
      if (variant === 'never authorized') {
        expect(settled).toMatchObject({ status: 'payment_failed', failure_code: 'payment_not_completed', authorization_id: null });
        expect({ stock, reservation, atGateway, authorizations: stats.authorizations }).toEqual({
          stock: 10,
          reservation: 'released',
          atGateway: undefined,
          authorizations: 0,
        });
      } else {
        expect(settled).toMatchObject({ status: 'paid', authorization_id: authorizationId, failure_code: null });
        expect({ stock, reservation, atGateway: atGateway?.status, authorizations: stats.authorizations }).toEqual({
          stock: 7,
          reservation: 'reserved',
          atGateway: 'approved',
          authorizations: 1,
        });
      }
      expectStockAndPaymentAgree(stored!, { stock, reservation, gatewayStatus: atGateway?.status });

      // The client never got an answer and retries with its key: it learns what became of the order.
      const retried = await customerApi.POST('/v1/orders', orderRequest);
      expect(retried.response.headers.get('idempotent-replayed')).toBe('true');
      if (variant === 'never authorized') {
        expect(retried.response.status).toBe(409);
        expect(retried.error).toMatchObject({ code: 'ORDER_NOT_PAID', order_id: order.id, order_status: 'payment_failed', failure_code: 'payment_not_completed' });
      } else {
        expect(retried.response.status).toBe(201);
        expect(retried.data).toMatchObject({ id: order.id, status: 'paid' });
      }
      expect(await rows.ordersOf(customer.userId)).toHaveLength(1);
      // It was recovery that settled it, not a request.
      expect(second.logs).toContainEqual(
        expect.objectContaining({ msg: 'pending orders recovered', resolved: [{ orderId: order.id, status: settled.status }] }),
      );
    },
    60_000,
  );
});

/** paid ⇔ stock held ⇔ authorization approved; failed ⇔ stock returned ⇔ authorization voided or absent. */
function expectStockAndPaymentAgree(order: OrderRow, seen: { stock: number; reservation: string; gatewayStatus: string | undefined }): void {
  const paid = order.status === 'paid';
  expect({ status: order.status, stockHeld: seen.stock === 7, reservation: seen.reservation, gateway: seen.gatewayStatus ?? 'absent' }).toEqual(
    paid
      ? { status: 'paid', stockHeld: true, reservation: 'reserved', gateway: 'approved' }
      : { status: order.status, stockHeld: false, reservation: 'released', gateway: expect.stringMatching(/^(voided|absent)$/) },
  );
}
