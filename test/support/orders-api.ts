import { randomBytes } from 'node:crypto';
import type { Client } from 'openapi-fetch';
import { PaymentSandboxAdmin, type SandboxStats } from '../../internal/sandbox/payment-gateway/sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../internal/sandbox/payment-gateway/start-sandbox.ts';
import type { components, paths } from '../../internal/transport/http/api-schema.d.ts';
import { startTestApp, type SignedIn, type TestApp, type TestAppOptions } from './test-app.ts';

export type OrderDto = components['schemas']['Order'];
export type OrderStatus = components['schemas']['OrderStatus'];
export type ProductDto = components['schemas']['Product'];
export type Problem = components['schemas']['Problem'];

/** The real service wired to a payment sandbox of the test's own, whose faults the test switches. */
export interface OrdersWorld {
  readonly app: TestApp;
  readonly sandbox: RunningPaymentSandbox;
  /** The sandbox's control plane: faults, stats, reset. */
  readonly gateway: PaymentSandboxAdmin;
  /** Stops the service, then the sandbox (which cuts any connection it still holds). */
  stop(): Promise<void>;
}

export async function startOrdersWorld(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<OrdersWorld> {
  const sandbox = await startPaymentSandbox({ port: 0 });
  let app: TestApp;
  try {
    app = await startTestApp({ PAYMENT_GATEWAY_URL: sandbox.url, ...env }, options);
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return {
    app,
    sandbox,
    gateway: new PaymentSandboxAdmin(sandbox.url),
    async stop() {
      try {
        await app.stop();
      } finally {
        await sandbox.stop();
      }
    },
  };
}

export const uniqueKey = (prefix = 'order') => `${prefix}-${randomBytes(8).toString('hex')}`;

/** The admin creates a product (EUR 12.50, 10 in stock unless told otherwise). */
export async function createProduct(admin: SignedIn, overrides: { stock?: number; amount?: number; currency?: string } = {}): Promise<ProductDto> {
  const { data, response } = await admin.api.POST('/v1/products', {
    body: {
      sku: `ORD-${randomBytes(5).toString('hex')}`,
      name: 'Enamel mug',
      price: { amount: overrides.amount ?? 1250, currency: overrides.currency ?? 'EUR' },
      stock: overrides.stock ?? 10,
    },
  });
  if (!data) throw new Error(`creating a product failed with ${response.status}`);
  return data;
}

export interface OrderRequest {
  /** Product ids, one of each; or explicit lines. */
  readonly lines: readonly (string | { readonly productId: string; readonly quantity: number })[];
  readonly cardToken?: string;
  readonly key?: string;
}

export interface PlaceOrderAnswer {
  readonly status: number;
  /** The order (2xx) or the problem. */
  readonly body: OrderDto | Problem;
  readonly headers: Headers;
  readonly key: string;
  readonly elapsedMs: number;
}

export function placeOrderBody(request: OrderRequest): components['schemas']['PlaceOrderRequest'] {
  return {
    lines: request.lines.map((line) => (typeof line === 'string' ? { product_id: line, quantity: 1 } : { product_id: line.productId, quantity: line.quantity })),
    payment: { card_token: request.cardToken ?? 'tok_approved' },
  };
}

/** `POST /v1/orders` through the contract-checked client. */
export async function placeOrder(client: Client<paths>, request: OrderRequest): Promise<PlaceOrderAnswer> {
  const key = request.key ?? uniqueKey();
  const startedAt = performance.now();
  const { data, error, response } = await client.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': key } },
    body: placeOrderBody(request),
  });
  const body: OrderDto | Problem = data ?? error;
  return { status: response.status, body, headers: response.headers, key, elapsedMs: performance.now() - startedAt };
}

export function asOrder(answer: { readonly body: OrderDto | Problem }): OrderDto {
  return answer.body as OrderDto;
}

export function asProblem(answer: { readonly body: OrderDto | Problem }): Problem {
  return answer.body as Problem;
}

/** Every order the client may list (all pages), newest first. */
export async function listAllOrders(client: Client<paths>, query: { user_id?: string; status?: OrderStatus } = {}): Promise<OrderDto[]> {
  const orders: OrderDto[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const { data, response } = await client.GET('/v1/orders', { params: { query: { limit: 100, ...query, ...(cursor ? { cursor } : {}) } } });
    if (!data) throw new Error(`listing orders failed with ${response.status}`);
    orders.push(...data.items);
    if (data.next_cursor === null) return orders;
    cursor = data.next_cursor;
  }
  throw new Error('more than 100 pages of orders');
}

export async function getOrder(client: Client<paths>, id: string): Promise<OrderDto> {
  const { data, response } = await client.GET('/v1/orders/{id}', { params: { path: { id } } });
  if (!data) throw new Error(`reading order ${id} failed with ${response.status}`);
  return data;
}

/** The stock as PostgreSQL holds it (no cache in between). */
export async function stockInDb(app: TestApp, productId: string): Promise<number> {
  const { rows } = await app.database.pool.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
  if (rows.length === 0) throw new Error(`no product ${productId}`);
  return rows[0]!.stock;
}

/** The stock as the API shows it. */
export async function stockViaApi(app: TestApp, productId: string): Promise<number> {
  const { data, response } = await app.api.GET('/v1/products/{id}', { params: { path: { id: productId } } });
  if (!data) throw new Error(`reading product ${productId} failed with ${response.status}`);
  return data.stock;
}

/** Units of the product still held by reservations (state `reserved`), summed over all orders. */
export async function reservedInDb(app: TestApp, productId: string): Promise<number> {
  const { rows } = await app.database.pool.query<{ held: string | null }>(
    `SELECT sum((line->>'quantity')::int) AS held
       FROM stock_reservations r, jsonb_array_elements(r.lines) AS line
      WHERE r.state = 'reserved' AND line->>'product_id' = $1`,
    [productId],
  );
  return Number(rows[0]?.held ?? 0);
}

/** Orders of a product by status, straight from PostgreSQL. */
export async function orderStatusesInDb(app: TestApp, productId: string): Promise<Record<string, number>> {
  const { rows } = await app.database.pool.query<{ status: string; count: string }>(
    `SELECT o.status, count(*) AS count FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.product_id = $1 GROUP BY o.status`,
    [productId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export type { SandboxStats };
