import type { Redis } from 'ioredis';
import type { SignInGate, SignInThrottle, SignInThrottlePolicy } from '../../domain/identity/sign-in-throttle.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import type { Context } from '../../domain/shared/context.ts';

// One round trip decides and counts, on Redis' clock (replicas with skewed
// clocks agree). KEYS[1]: the account's hash {attempts, locked_until};
// ARGV: free attempts, base delay, max delay, forget-after (all ms).
// Returns 0 when the attempt may go on, else the wait left in ms.
const BEGIN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free, base, max, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local locked = tonumber(redis.call('HGET', KEYS[1], 'locked_until') or '0')
if locked > now then return locked - now end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local delay = 0
if attempts > free then delay = math.min(max, base * 2 ^ math.min(attempts - free - 1, 30)) end
redis.call('HSET', KEYS[1], 'locked_until', now + delay)
redis.call('PEXPIRE', KEYS[1], math.floor(delay + forget))
return 0`;

type RedisWithBegin = Redis & { signInBegin(key: string, free: number, base: number, max: number, forget: number): Promise<number> };

/** Sign-in attempts per account in Redis, shared by every replica; each key expires by itself. */
export class RedisSignInThrottle implements SignInThrottle {
  readonly #redis: RedisWithBegin;
  readonly #prefix: string;
  readonly #policy: SignInThrottlePolicy;

  constructor(redis: Redis, prefix: string, policy: SignInThrottlePolicy) {
    if (!('signInBegin' in redis)) redis.defineCommand('signInBegin', { numberOfKeys: 1, lua: BEGIN });
    this.#redis = redis as RedisWithBegin;
    this.#prefix = prefix;
    this.#policy = policy;
  }

  async begin(_ctx: Context, account: string): Promise<SignInGate> {
    const { freeAttempts, baseDelayMs, maxDelayMs, forgetAfterMs } = this.#policy;
    try {
      const waitMs = await this.#redis.signInBegin(this.#prefix + account, freeAttempts, baseDelayMs, maxDelayMs, forgetAfterMs);
      return waitMs > 0 ? { allowed: false, retryAfterMs: waitMs } : { allowed: true };
    } catch (error) {
      throw new DependencyUnavailableError('redis', { cause: error });
    }
  }

  async succeeded(_ctx: Context, account: string): Promise<void> {
    try {
      await this.#redis.del(this.#prefix + account);
    } catch (error) {
      throw new DependencyUnavailableError('redis', { cause: error });
    }
  }
}
