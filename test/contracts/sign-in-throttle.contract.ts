import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignInThrottle, SignInThrottlePolicy } from '../../internal/domain/identity/sign-in-throttle.ts';
import { testContext } from '../support/test-context.ts';

/** Short waits on a real clock; each check below keeps a wide margin. */
export const CONTRACT_POLICY: SignInThrottlePolicy = { freeAttempts: 2, baseDelayMs: 400, maxDelayMs: 800, forgetAfterMs: 60_000 };

const ctx = testContext();
const anAccount = () => randomBytes(32).toString('hex');

async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The behaviour every `SignInThrottle` adapter shows under `CONTRACT_POLICY`. */
export function describeSignInThrottleContract(name: string, make: () => SignInThrottle): void {
  describe(`SignInThrottle contract: ${name}`, () => {
    it('when the free attempts are used, then the next one is allowed and starts a wait, during which attempts are refused with the time left', async () => {
      const throttle = make();
      const account = anAccount();

      const gates = [await throttle.begin(ctx, account), await throttle.begin(ctx, account), await throttle.begin(ctx, account)];
      const refused = await throttle.begin(ctx, account);

      expect(gates).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
      expect(refused).toMatchObject({ allowed: false });
      expect(refused.allowed ? 0 : refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.allowed ? 0 : refused.retryAfterMs).toBeLessThanOrEqual(CONTRACT_POLICY.baseDelayMs);
    });

    it('when many attempts arrive at once past the free ones, then exactly one goes on', async () => {
      const throttle = make();
      const account = anAccount();
      for (let i = 0; i < CONTRACT_POLICY.freeAttempts; i += 1) await throttle.begin(ctx, account);

      const gates = await Promise.all(Array.from({ length: 10 }, () => throttle.begin(ctx, account)));

      expect(gates.filter((gate) => gate.allowed)).toHaveLength(1);
    });

    it('when the wait is over, then one attempt goes on again, and the waits double but never pass the cap', async () => {
      const throttle = make();
      const account = anAccount();
      for (let i = 0; i <= CONTRACT_POLICY.freeAttempts; i += 1) await throttle.begin(ctx, account);
      const waits: number[] = [];

      for (let round = 0; round < 3; round += 1) {
        const gate = await until(() => throttle.begin(ctx, account), (value) => value.allowed);
        expect(gate.allowed).toBe(true);
        const refused = await throttle.begin(ctx, account);
        waits.push(refused.allowed ? 0 : refused.retryAfterMs);
      }

      expect(waits[0]).toBeGreaterThan(CONTRACT_POLICY.baseDelayMs);
      for (const wait of waits) expect(wait).toBeLessThanOrEqual(CONTRACT_POLICY.maxDelayMs);
    });

    it('when the account signs in, then its count starts over', async () => {
      const throttle = make();
      const account = anAccount();
      for (let i = 0; i < CONTRACT_POLICY.freeAttempts; i += 1) await throttle.begin(ctx, account);

      await throttle.succeeded(ctx, account);
      const gates = [await throttle.begin(ctx, account), await throttle.begin(ctx, account), await throttle.begin(ctx, account)];

      expect(gates.every((gate) => gate.allowed)).toBe(true);
    });

    it('when one account waits, then another does not', async () => {
      const throttle = make();
      const account = anAccount();
      for (let i = 0; i <= CONTRACT_POLICY.freeAttempts; i += 1) await throttle.begin(ctx, account);

      expect(await throttle.begin(ctx, anAccount())).toEqual({ allowed: true });
    });
  });
}
