import { delayAfterAttempt, type SignInGate, type SignInThrottle, type SignInThrottlePolicy } from '../../internal/domain/identity/sign-in-throttle.ts';
import type { Context } from '../../internal/domain/shared/context.ts';

interface Entry {
  attempts: number;
  lockedUntil: number;
  expiresAt: number;
}

/** The throttle of use-case tests: one process, a clock of the test's own. */
export class InMemorySignInThrottle implements SignInThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #policy: SignInThrottlePolicy;
  readonly #now: () => number;

  constructor(policy: SignInThrottlePolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  begin(_ctx: Context, account: string): Promise<SignInGate> {
    const now = this.#now();
    const entry = this.#entries.get(account);
    if (entry && entry.expiresAt > now && entry.lockedUntil > now) return Promise.resolve({ allowed: false, retryAfterMs: entry.lockedUntil - now });
    const attempts = entry && entry.expiresAt > now ? entry.attempts + 1 : 1;
    const delay = delayAfterAttempt(this.#policy, attempts);
    this.#entries.set(account, { attempts, lockedUntil: now + delay, expiresAt: now + delay + this.#policy.forgetAfterMs });
    return Promise.resolve({ allowed: true });
  }

  succeeded(_ctx: Context, account: string): Promise<void> {
    this.#entries.delete(account);
    return Promise.resolve();
  }
}

/** A policy under which no test ever waits. */
export const NO_THROTTLE: SignInThrottlePolicy = { freeAttempts: 1_000_000, baseDelayMs: 1, maxDelayMs: 1, forgetAfterMs: 1 };
