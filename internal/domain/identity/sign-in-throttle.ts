import { createHash } from 'node:crypto';
import type { Context } from '../shared/context.ts';

/**
 * How sign-in attempts on one account are slowed down. The first
 * `freeAttempts` attempts in a row are free; each one after them starts a
 * wait that doubles (from `baseDelayMs`) up to `maxDelayMs`. Attempts during
 * a wait are refused without being counted, so nobody can stretch a wait:
 * an attacker can at most keep an account at `maxDelayMs` between tries,
 * and its owner can always sign in within `maxDelayMs` of the attacks
 * stopping. A success clears the count; so does `forgetAfterMs` without an
 * attempt after the last wait ends.
 */
export interface SignInThrottlePolicy {
  readonly freeAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly forgetAfterMs: number;
}

/** The wait an attempt starts when it is the `attempt`-th in a row (1-based). */
export function delayAfterAttempt(policy: SignInThrottlePolicy, attempt: number): number {
  const over = attempt - policy.freeAttempts;
  if (over <= 0) return 0;
  // 2^30 overflows nothing and is far past any cap.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over - 1, 30));
}

export type SignInGate =
  /** The attempt may go on; it has been counted. */
  | { readonly allowed: true }
  /** The account is waiting: retry after this long. */
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Counts sign-in attempts per account, shared by every replica. `begin`
 * decides and counts in one atomic step, so concurrent attempts cannot
 * slip through a wait together.
 */
export interface SignInThrottle {
  begin(ctx: Context, account: string): Promise<SignInGate>;
  /** The account signed in: its count starts over. */
  succeeded(ctx: Context, account: string): Promise<void>;
}

/**
 * The throttle key of an email: case-insensitive, and hashed, so the
 * throttle's store holds no addresses (attempts name unknown emails too).
 */
export function signInAccountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}
