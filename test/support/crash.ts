import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../internal/transport/http/api-schema.d.ts';
import { ContractChecker } from './contract.ts';
import type { ServerProcess } from './server-process.ts';
import type { TestDatabase } from './test-database.ts';

const contract = new ContractChecker();

/** A contract-checked client for a server process, sending `token` as bearer when given. */
export function processClient(port: number, token?: string): Client<paths> {
  const client = createClient<paths>({
    baseUrl: `http://127.0.0.1:${port}`,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  client.use(contract.middleware());
  return client;
}

export interface Account {
  readonly userId: string;
  readonly token: string;
}

export async function signIn(port: number, email: string, password: string): Promise<Account> {
  const { data, response } = await processClient(port).POST('/v1/auth/login', { body: { email, password } });
  if (!data) throw new Error(`sign-in of ${email} failed with ${response.status}`);
  return { userId: data.user.id, token: data.token };
}

/** Registers a fresh customer over HTTP and signs them in. */
export async function registerCustomer(port: number): Promise<Account> {
  const email = `crash.${randomBytes(6).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const { response } = await processClient(port).POST('/v1/auth/register', { body: { name: 'Crash Customer', email, password } });
  if (response.status !== 201) throw new Error(`registration failed with ${response.status}`);
  return signIn(port, email, password);
}

/**
 * Polls `probe` until it returns something other than undefined; fails with
 * `what` and the last value seen once `timeoutMs` have passed.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 25 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

/** Kills the process with SIGKILL unless it has already ended, and waits for it to end. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.kill('SIGKILL');
  await server.exited;
}

export interface OrderRow {
  readonly id: string;
  readonly status: string;
  readonly currency: string;
  readonly totalAmount: number;
  readonly authorizationId: string | null;
  readonly failureCode: string | null;
}

/** What PostgreSQL holds for the orders and stock of one test (read straight from the tables). */
export function crashRows(database: TestDatabase) {
  return {
    async ordersOf(userId: string): Promise<OrderRow[]> {
      const { rows } = await database.pool.query<{
        id: string;
        status: string;
        currency: string;
        total_amount: string;
        authorization_id: string | null;
        failure_code: string | null;
      }>('SELECT id, status, currency, total_amount, authorization_id, failure_code FROM orders WHERE user_id = $1 ORDER BY id', [userId]);
      return rows.map((row) => ({
        id: row.id,
        status: row.status,
        currency: row.currency,
        totalAmount: Number(row.total_amount),
        authorizationId: row.authorization_id,
        failureCode: row.failure_code,
      }));
    },

    async stockOf(productId: string): Promise<number> {
      const { rows } = await database.pool.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
      return rows[0]?.stock ?? Number.NaN;
    },

    /** `reserved`, `released`, or `none` when the order has no reservation row. */
    async reservationOf(orderId: string): Promise<string> {
      const { rows } = await database.pool.query<{ state: string }>('SELECT state FROM stock_reservations WHERE order_id = $1', [orderId]);
      return rows[0]?.state ?? 'none';
    },
  };
}

export interface SandboxAuthorization {
  readonly id: string;
  readonly idempotency_key: string;
  readonly status: 'approved' | 'declined' | 'captured' | 'voided' | 'refunded';
  readonly amount: number;
  readonly currency: string;
}

/** The authorization the sandbox holds under an idempotency key (an order's id), if any. */
export async function sandboxAuthorizationFor(sandboxUrl: string, idempotencyKey: string): Promise<SandboxAuthorization | undefined> {
  const response = await fetch(`${sandboxUrl}/v1/authorizations?idempotency_key=${encodeURIComponent(idempotencyKey)}`);
  if (!response.ok) throw new Error(`the sandbox answered ${response.status} to the authorization lookup: ${await response.text()}`);
  const { items } = (await response.json()) as { items: SandboxAuthorization[] };
  return items[0];
}

/** Authorizes at the sandbox directly, as the service would have: the order's id as the key. */
export async function authorizeAtSandbox(
  sandboxUrl: string,
  input: { idempotencyKey: string; amount: number; currency: string; cardToken: string },
): Promise<{ status: number; authorization: SandboxAuthorization }> {
  const response = await fetch(`${sandboxUrl}/v1/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': input.idempotencyKey },
    body: JSON.stringify({ amount: input.amount, currency: input.currency, card_token: input.cardToken }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the sandbox answered ${response.status} to the authorization: ${text}`);
  return { status: response.status, authorization: JSON.parse(text) as SandboxAuthorization };
}
