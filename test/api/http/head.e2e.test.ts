import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let customer: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  customer = await app.customer();
});

afterAll(async () => {
  await app?.stop();
});

async function both(path: string, headers: Record<string, string> = {}): Promise<{ get: Response; getBody: string; head: Response; headBody: string }> {
  const get = await fetch(app.baseUrl + path, { headers });
  const getBody = await get.text();
  const head = await fetch(app.baseUrl + path, { method: 'HEAD', headers });
  const headBody = await head.text();
  return { get, getBody, head, headBody };
}

describe('HEAD', () => {
  it.each([
    ['/healthz', false, true],
    // Its body carries each probe's latency, so two answers may differ in length by a digit.
    ['/readyz', false, false],
    ['/v1/products?limit=5', false, true],
    ['/v1/auth/me', true, true],
    ['/v1/products/01900000-0000-7000-8000-000000000000', false, true],
    ['/openapi.yaml', false, true],
  ])('when HEAD %s is asked, then it answers like GET, without a body', async (path, signedIn, sameLength) => {
    const { get, getBody, head, headBody } = await both(path, signedIn ? { authorization: `Bearer ${customer.token}` } : {});

    expect(head.status).toBe(get.status);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    if (sameLength) expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(getBody)));
    else expect(Math.abs(Number(head.headers.get('content-length')) - Buffer.byteLength(getBody))).toBeLessThanOrEqual(2);
    expect(headBody).toBe('');
  });

  it('when HEAD is asked without the token a GET needs, then it is the same 401', async () => {
    const { get, head } = await both('/v1/auth/me');

    expect(get.status).toBe(401);
    expect(head.status).toBe(401);
  });

  it('when HEAD asks for an activity stream, then it gets the stream headers and the response ends', async () => {
    const response = await fetch(`${app.baseUrl}/v1/users/${customer.user.id}/activity/stream`, { method: 'HEAD', headers: { authorization: `Bearer ${customer.token}` } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe('');
  });

  it('when HEAD is sent to a route without GET, then it is 405 like any other method', async () => {
    const response = await fetch(`${app.baseUrl}/v1/auth/login`, { method: 'HEAD' });

    expect(response.status).toBe(405);
  });
});
