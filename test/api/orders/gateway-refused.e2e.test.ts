import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.ts';
import { asProblem, createProduct, orderStatusesInDb, placeOrder, reservedInDb, stockInDb, uniqueKey } from '../../support/orders-api.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

// The gateway's address answers every connection with a refusal: nothing listens there.
let app: TestApp;
let admin: SignedIn;
let customer: SignedIn;

beforeAll(async () => {
  app = await startTestApp({
    PAYMENT_GATEWAY_URL: `http://127.0.0.1:${await freePort()}`,
    PAYMENT_BREAKER_RESET_MS: '60000',
    ORDER_RECOVER_AFTER_MS: '60000',
  });
  admin = await app.admin();
  customer = await app.customer();
});

afterAll(async () => {
  await app?.stop();
});

describe('a payment gateway that refuses connections', () => {
  it('when the gateway refuses the connection, then the first order already gets 503 PAYMENT_UNAVAILABLE with Retry-After, nothing stays reserved, and the breaker counts it until it opens', async () => {
    const product = await createProduct(admin, { stock: 50 });
    const key = uniqueKey();

    const first = await placeOrder(customer.api, { lines: [product.id], key });

    expect(first.status).toBe(503);
    expect(asProblem(first)).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', detail: 'the payment gateway is unavailable: the gateway refused the connection' });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first.elapsedMs).toBeLessThan(1_000);
    expect(await stockInDb(app, product.id)).toBe(50);
    expect(await reservedInDb(app, product.id)).toBe(0);
    expect(await orderStatusesInDb(app, product.id)).toEqual({ payment_failed: 1 });

    // The breaker counts refusals as failures: after its volume threshold (10 calls) it opens and orders are refused without a call.
    const details: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      const answer = await placeOrder(customer.api, { lines: [product.id], key: uniqueKey() });
      expect(answer.status).toBe(503);
      details.push(asProblem(answer).detail ?? '');
    }
    expect(details.at(-1)).toBe('the payment gateway is unavailable: circuit open');
    expect(details.filter((detail) => detail.endsWith('refused the connection'))).toHaveLength(9);
    expect(await orderStatusesInDb(app, product.id)).toEqual({ payment_failed: 12 });
    expect(await stockInDb(app, product.id)).toBe(50);

    // Everything was undone, so the key was let go: the same request runs afresh (and is refused the same way).
    const retried = await placeOrder(customer.api, { lines: [product.id], key });
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });
});
