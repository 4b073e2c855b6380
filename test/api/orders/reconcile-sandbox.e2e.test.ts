import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { createProduct, placeOrder, type OrderDto } from '../../support/orders-api.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let database: TestDatabase;
let app: TestApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

async function reconcile(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Only the database: the command finds the sandbox's state there by itself.
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cmd/reconcile/main.ts')], { env: { PATH: process.env.PATH, DATABASE_URL: database.url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the embedded sandbox gateway across restarts', () => {
  it('when the service restarts, then its sandbox still knows the authorizations, and reconcile (finding it by itself) reports nothing', async () => {
    app = await startTestApp({}, { database });
    const product = await createProduct(await app.admin(), { stock: 50 });
    const customer = await app.customer();
    const placed = [];
    for (const cardToken of ['tok_approved', 'tok_approved', 'tok_declined', 'tok_approved']) placed.push(await placeOrder(customer.api, { lines: [product.id], cardToken }));
    expect(placed.map((answer) => answer.status)).toEqual([201, 201, 402, 201]);
    await app.stop();

    app = await startTestApp({}, { database });
    // Sessions live in PostgreSQL here: the token from before the restart still works.
    const client = app.clientWithToken(customer.token);
    // Voiding an authorization made before the restart: the restarted sandbox must still hold it.
    const cancelled = await client.POST('/v1/orders/{id}/cancel', { params: { path: { id: (placed[0]!.body as OrderDto).id } } });
    await app.stop();
    app = undefined;
    const result = await reconcile();

    expect(cancelled.response.status).toBe(200);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/checked 4 orders, 0 disagree with the gateway/);
    expect(result.code).toBe(0);
  }, 90_000);
});
