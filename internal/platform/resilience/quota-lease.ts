import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The cluster-wide ledger of a request quota in Redis: replicas take leases
 * (a number of requests they may send) from it. Token buckets on Redis's
 * clock (so replicas agree), refilled continuously:
 * - the cluster's bucket fills at `maxRequests` per `intervalMs` and holds at
 *   most `burst`, so over any stretch of time T the leases granted
 *   cluster-wide stay under rate × T + burst;
 * - each replica's own bucket fills at that rate divided by the replicas that
 *   took a lease within the last interval, so that replicas asking at other
 *   moments of a tick still get even parts (a replica that uses less than its
 *   part leaves the rest unused: the limit errs towards the remote side).
 * Hand-written because Bottleneck's cluster mode runs its scripts on every
 * call, which is what leases avoid.
 */

// KEYS[1] the quota's key prefix; ARGV: max, interval ms, burst, wanted, replica. Returns the requests granted.
const LEASE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local max, interval, burst, wanted, replica = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local ttl = math.ceil(interval * 2)
local replicas = KEYS[1] .. ':replicas'
redis.call('ZADD', replicas, now, replica)
redis.call('ZREMRANGEBYSCORE', replicas, '-inf', now - interval)
redis.call('PEXPIRE', replicas, ttl)
local n = math.max(1, redis.call('ZCARD', replicas))
local function refill(key, rate, cap)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then return cap end
  return math.min(cap, tokens + math.max(0, now - at) * rate)
end
local function save(key, tokens)
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, ttl)
end
local cluster = KEYS[1] .. ':cluster'
local own = KEYS[1] .. ':replica:' .. replica
local clusterTokens = refill(cluster, max / interval, burst)
local ownTokens = refill(own, max / interval / n, math.max(1, burst / n))
local give = math.max(0, math.min(wanted, math.floor(clusterTokens), math.floor(ownTokens)))
save(cluster, clusterTokens - give)
save(own, ownTokens - give)
return give
`;

export interface QuotaLedgerOptions {
  readonly redis: Redis;
  /** Names the shared quota; every replica must use the same one. */
  readonly id: string;
  readonly maxRequests: number;
  readonly intervalMs: number;
  /** Most requests the bucket holds: what one replica may send at once after an idle spell. */
  readonly burst: number;
}

interface LeaseCommand {
  takeQuotaLease(key: string, max: number, interval: number, burst: number, wanted: number, replica: string): Promise<number>;
}

export class QuotaLedger {
  readonly #redis: Redis & LeaseCommand;
  readonly #o: QuotaLedgerOptions;
  readonly #replica = randomUUID();

  constructor(options: QuotaLedgerOptions) {
    this.#o = options;
    const redis = options.redis as Redis & Partial<LeaseCommand>;
    // defineCommand sends the script by SHA (EVALSHA), loading it once.
    if (typeof redis.takeQuotaLease !== 'function') redis.defineCommand('takeQuotaLease', { numberOfKeys: 1, lua: LEASE_SCRIPT });
    this.#redis = redis as Redis & LeaseCommand;
  }

  /** Up to `wanted` requests; fewer (or none) when the cluster has used the quota. */
  async take(wanted: number): Promise<number> {
    const { id, maxRequests, intervalMs, burst } = this.#o;
    // One hash tag: every key of the quota is in the same cluster slot.
    return Number(await this.#redis.takeQuotaLease(`quota-lease:{${id}}`, maxRequests, intervalMs, burst, Math.max(0, Math.floor(wanted)), this.#replica));
  }
}
