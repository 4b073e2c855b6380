import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

// The contract documents these on every /v1 response: they must really be there, errors included.
describe('the headers the contract documents on /v1 responses', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it.each([
    ['a success', 'GET', '/v1/products', 200],
    ['a bad request', 'GET', '/v1/products?limit=0', 400],
    ['a missing token', 'GET', '/v1/orders', 401],
    ['a missing resource', 'GET', '/v1/products/0b8f9a6e-3c1d-4f7a-9e2b-5d4c3b2a1f00', 404],
    ['an unknown route', 'GET', '/v1/nowhere', 404],
  ])('when the answer is %s, then it carries RateLimit, RateLimit-Policy and X-Release-Channel', async (_what, method, path, status) => {
    const response = await fetch(`${app.baseUrl}${path}`, { method });
    await response.body?.cancel();

    expect(response.status).toBe(status);
    expect(response.headers.get('ratelimit')).toMatch(/^"api"; r=\d+; t=\d+/);
    expect(response.headers.get('ratelimit-policy')).toMatch(/^"api"; q=\d+; w=\d+/);
    expect(response.headers.get('x-release-channel')).toMatch(/^(stable|canary)$/);
  });

  it('when a conflict is not about a request in progress, then it has no Retry-After', async () => {
    const customer = await app.customer();
    const { response } = await app.api.POST('/v1/auth/register', { body: { name: 'Again', email: customer.user.email, password: 'another long password' } });

    expect(response.status).toBe(409);
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('when an order placement is repeated with its key, then the answer says it was replayed', async () => {
    const admin = await app.admin();
    const { data: product } = await admin.api.POST('/v1/products', { body: { sku: 'HDR-1', name: 'Header test', price: { amount: 100, currency: 'EUR' }, stock: 5 } });
    const customer = await app.customer();
    const place = () =>
      customer.api.POST('/v1/orders', {
        params: { header: { 'Idempotency-Key': 'headers-replay-1' } },
        body: { lines: [{ product_id: product?.id ?? '', quantity: 1 }], payment: { card_token: 'tok_approved' } },
      });

    const first = await place();
    const again = await place();

    expect(first.response.status).toBe(201);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
  });
});
