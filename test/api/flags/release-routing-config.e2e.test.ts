import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

let app: TestApp;
let customer: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ RELEASE_CHANNEL_HEADER: 'X-Variant', RELEASE_CHANNEL_CHOOSER_ROLES: 'admin,customer', RELEASE_CHANNEL_VALUES: 'canary' });
  customer = await app.customer();
});

afterAll(async () => {
  await app?.stop();
});

const channelOf = async (headers: Record<string, string>) =>
  (await fetch(`${app.baseUrl}/v1/auth/me`, { headers: { authorization: `Bearer ${customer.token}`, ...headers } })).headers;

describe('configured release routing', () => {
  it('when the header is renamed and customers may choose, then a customer gets the canary through the configured header only', async () => {
    expect((await channelOf({ 'x-variant': 'canary' })).get('x-variant')).toBe('canary');
    expect((await channelOf({ 'x-release-channel': 'canary' })).get('x-variant')).toBe('stable');
    expect((await channelOf({ 'x-variant': 'canary' })).get('x-release-channel')).toBeNull();
  });

  it('when a value is not among the allowed ones, then it is ignored', async () => {
    expect((await channelOf({ 'x-variant': 'nightly' })).get('x-variant')).toBe('stable');
  });
});
