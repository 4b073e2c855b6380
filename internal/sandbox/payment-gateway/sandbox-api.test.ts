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

function authorize(key: string | undefined, body: unknown = APPROVED): Promise<Response> {
  return fetch(`${sandbox.url}/v1/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function authorized(key: string, cardToken = 'tok_approved'): Promise<string> {
  const response = await authorize(key, { ...APPROVED, card_token: cardToken });
  expect(response.status).toBe(201);
  return (await authorizationOf(response)).id;
}

function post(path: string): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, { method: 'POST' });
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

describe('authorize', () => {
  it.each([
    ['tok_approved', 'approved', null],
    ['tok_declined', 'declined', 'card_declined'],
    ['tok_insufficient_funds', 'declined', 'insufficient_funds'],
    ['tok_fraud', 'declined', 'suspected_fraud'],
  ])('when the card token is %s, then the authorization is %s with decline code %s', async (cardToken, status, declineCode) => {
    const response = await authorize('order-1', { amount: 990, currency: 'USD', card_token: cardToken });

    expect(response.status).toBe(201);
    const body = await authorizationOf(response);
    expect(body).toEqual({
      id: expect.stringMatching(/^auth_[0-9a-f]+$/),
      idempotency_key: 'order-1',
      status,
      decline_code: declineCode,
      amount: 990,
      currency: 'USD',
      created_at: expect.any(String),
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
  });

  it('when the card token is unknown, then it is 400 invalid_card_token and nothing is created', async () => {
    const response = await authorize('order-1', { ...APPROVED, card_token: 'tok_nope' });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_card_token');
    expect((await admin.stats()).authorizations).toBe(0);
  });

  it.each([
    ['no Idempotency-Key', undefined, APPROVED],
    ['an empty Idempotency-Key', '', APPROVED],
    ['an Idempotency-Key over 200 characters', 'k'.repeat(201), APPROVED],
    ['amount 0', 'k', { ...APPROVED, amount: 0 }],
    ['a fractional amount', 'k', { ...APPROVED, amount: 1.5 }],
    ['an amount as a string', 'k', { ...APPROVED, amount: '100' }],
    ['a lower-case currency', 'k', { ...APPROVED, currency: 'eur' }],
    ['a four-letter currency', 'k', { ...APPROVED, currency: 'EURO' }],
    ['no card_token', 'k', { amount: 100, currency: 'EUR' }],
    ['an array body', 'k', [APPROVED]],
    ['malformed JSON', 'k', '{"amount": 1'],
  ])('when the request has %s, then it is 400 invalid_request', async (_name, key, body) => {
    const response = await authorize(key, body);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await errorOf(response)).toEqual({ code: 'invalid_request', message: expect.any(String) });
  });

  it('when an Idempotency-Key of 200 characters is sent, then it is accepted', async () => {
    expect((await authorize('k'.repeat(200))).status).toBe(201);
  });
});

describe('idempotency', () => {
  it('when the same key and body come again, then the same authorization is answered with 200', async () => {
    const first = await authorizationOf(await authorize('order-1'));

    const repeat = await authorize('order-1');

    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual(first);
    expect((await admin.stats()).authorizations).toBe(1);
  });

  it.each([
    ['amount', { ...APPROVED, amount: 1251 }],
    ['currency', { ...APPROVED, currency: 'USD' }],
    ['card_token', { ...APPROVED, card_token: 'tok_declined' }],
  ])('when the same key comes with another %s, then it is 422 idempotency_key_reused', async (_field, body) => {
    await authorize('order-1');

    const response = await authorize('order-1', body);

    expect(response.status).toBe(422);
    expect((await errorOf(response)).code).toBe('idempotency_key_reused');
    expect((await admin.stats()).authorizations).toBe(1);
  });

  it('when 20 requests with one key arrive together, then exactly one authorization is created', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => authorize('order-concurrent')));
    const bodies = await Promise.all(responses.map(authorizationOf));

    expect(responses.map((response) => response.status).sort((a, b) => a - b)).toEqual([...Array<number>(19).fill(200), 201]);
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1);
    expect(await admin.stats()).toMatchObject({ requests: 20, authorizations: 1 });
  });
});

describe('lookup', () => {
  it('when the id is known, then the authorization is returned; otherwise 404 not_found', async () => {
    const id = await authorized('order-1');

    const found = await fetch(`${sandbox.url}/v1/authorizations/${id}`);
    const missing = await fetch(`${sandbox.url}/v1/authorizations/auth_missing`);

    expect(found.status).toBe(200);
    expect((await authorizationOf(found)).id).toBe(id);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
  });

  it('when searched by idempotency key, then the one authorization made with it is listed', async () => {
    const id = await authorized('order-1');

    const found = await itemsOf(await fetch(`${sandbox.url}/v1/authorizations?idempotency_key=order-1`));
    const none = await itemsOf(await fetch(`${sandbox.url}/v1/authorizations?idempotency_key=order-2`));

    expect(found.map((item) => item.id)).toEqual([id]);
    expect(none).toEqual([]);
  });

  it('when the idempotency_key parameter is missing, then it is 400', async () => {
    expect((await fetch(`${sandbox.url}/v1/authorizations`)).status).toBe(400);
  });
});

describe('capture, void and refund', () => {
  const into = {
    approved: (key: string) => authorized(key),
    declined: (key: string) => authorized(key, 'tok_declined'),
    captured: async (key: string) => {
      const id = await authorized(key);
      await post(`/v1/authorizations/${id}/capture`);
      return id;
    },
    voided: async (key: string) => {
      const id = await authorized(key);
      await post(`/v1/authorizations/${id}/void`);
      return id;
    },
    refunded: async (key: string) => {
      const id = await into.captured(key);
      await post(`/v1/authorizations/${id}/refund`);
      return id;
    },
  };

  it.each([
    ['capture', 'approved', 200, 'captured'],
    ['capture', 'captured', 200, 'captured'],
    ['capture', 'voided', 409, 'voided'],
    ['capture', 'declined', 409, 'declined'],
    ['capture', 'refunded', 409, 'refunded'],
    ['void', 'approved', 200, 'voided'],
    ['void', 'voided', 200, 'voided'],
    ['void', 'captured', 409, 'captured'],
    ['void', 'refunded', 409, 'refunded'],
    ['void', 'declined', 409, 'declined'],
    ['refund', 'captured', 200, 'refunded'],
    ['refund', 'refunded', 200, 'refunded'],
    ['refund', 'approved', 409, 'approved'],
    ['refund', 'voided', 409, 'voided'],
    ['refund', 'declined', 409, 'declined'],
  ] as const)('when %s is asked of an authorization that is %s, then it is %d and it ends %s', async (action, from, status, to) => {
    const id = await into[from]('order-1');

    const response = await post(`/v1/authorizations/${id}/${action}`);

    expect(response.status).toBe(status);
    if (status === 409) expect((await errorOf(response)).code).toBe('invalid_state');
    else expect(await authorizationOf(response)).toMatchObject({ id, status: to });
    expect((await authorizationOf(await fetch(`${sandbox.url}/v1/authorizations/${id}`))).status).toBe(to);
  });

  it.each(['capture', 'void', 'refund'])('when %s names an unknown authorization, then it is 404', async (action) => {
    const response = await post(`/v1/authorizations/auth_missing/${action}`);

    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });
});

describe('admin and housekeeping', () => {
  it('counts API requests and authorizations by status', async () => {
    await authorized('a');
    await authorized('b', 'tok_fraud');
    await authorizeAndCapture('c');

    expect(await admin.stats()).toEqual({
      requests: 4,
      authorizations: 3,
      by_status: { approved: 1, declined: 1, captured: 1, voided: 0, refunded: 0 },
    });
  });

  it('when reset, then authorizations, counters and faults are gone', async () => {
    await authorized('a');
    await admin.setFaults({ latency_ms: { min: 1, max: 2 } });

    await admin.reset();

    expect(await admin.stats()).toMatchObject({ requests: 0, authorizations: 0 });
    expect(await admin.faults()).toEqual({});
    expect(await itemsOf(await fetch(`${sandbox.url}/v1/authorizations?idempotency_key=a`))).toEqual([]);
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${sandbox.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each(['/nowhere', '/v1/nowhere'])('when the route %s is unknown, then it is a JSON 404', async (path) => {
    const response = await fetch(`${sandbox.url}${path}`);

    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });

  it('when a traceparent is sent, then it is echoed in X-Received-Traceparent', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await authorize('order-1', APPROVED);
    const traced = await fetch(`${sandbox.url}/v1/authorizations?idempotency_key=order-1`, {
      headers: { traceparent, 'x-request-id': 'req-1' },
    });

    expect(response.headers.get('x-received-traceparent')).toBeNull();
    expect(traced.status).toBe(200);
    expect(traced.headers.get('x-received-traceparent')).toBe(traceparent);
  });

  async function authorizeAndCapture(key: string): Promise<void> {
    const id = await authorized(key);
    expect((await post(`/v1/authorizations/${id}/capture`)).status).toBe(200);
  }
});
