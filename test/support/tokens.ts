import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { isWellFormedSessionToken } from '../../internal/domain/identity/session-token.ts';
import type { TestApp } from './test-app.ts';

/** A token shaped exactly like an issued one (so it reaches the session store) that no session has. */
export function unknownToken(): string {
  const token = randomBytes(32).toString('base64url');
  if (!isWellFormedSessionToken(token)) throw new Error(`${token} is not shaped like an issued token`);
  return token;
}

/** The token of a fresh customer who has signed out with `POST /v1/auth/logout`. */
export async function revokedToken(app: TestApp): Promise<string> {
  const { token, api } = await app.customer();
  const { response } = await api.POST('/v1/auth/logout');
  if (response.status !== 204) throw new Error(`logout failed with ${response.status}`);
  return token;
}

/**
 * Polls `GET /v1/auth/me` until the token is refused (401), so a test waits
 * exactly as long as expiry takes; fails once `timeoutMs` have passed.
 */
export async function untilTokenRefused(app: TestApp, token: string, { timeoutMs = 10_000, intervalMs = 20 } = {}): Promise<void> {
  const client = app.clientWithToken(token);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { response } = await client.GET('/v1/auth/me');
    if (response.status === 401) return;
    if (response.status !== 200) throw new Error(`GET /v1/auth/me answered ${response.status} while waiting for the token to be refused`);
    if (Date.now() > deadline) throw new Error(`the token was still accepted after ${timeoutMs} ms`);
    await pause(intervalMs);
  }
}
