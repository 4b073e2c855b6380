import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { raceAbort } from './abortable.ts';
import { QuotaLedger } from './quota-lease.ts';

export interface RateLimiterOptions {
  /** Requests allowed per `intervalMs`, summed over every process that shares `id` through Redis. */
  readonly maxRequests: number;
  readonly intervalMs: number;
  /** Least time between two requests of this process (smooths bursts). 0 lets a whole interval's quota go at once. */
  readonly minTimeMs: number;
  /**
   * Makes the limit cluster-wide: each replica leases its part of the quota
   * from Redis in the background. The limiter duplicates this client once
   * and owns the duplicate; the caller keeps owning `redis`.
   */
  readonly redis?: Redis | undefined;
  /** Names the shared limit in Redis (keys `quota-lease:{<id>}:*`); every replica must use the same one. */
  readonly id: string;
  /** Redis problems (then this process limits on its own until Redis is back). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * A request-rate limit: `acquire()` resolves when one more request may be
 * sent. Local (Bottleneck in memory) or, with Redis, shared by every replica.
 *
 * Shared, a call costs no Redis round trip: the replica's Bottleneck spends a
 * reservoir of leased requests, and a background tick (a tenth of the
 * interval, at most 100 ms) leases what the last tick used plus what waits,
 * from token buckets in Redis filling at `maxRequests` per interval for the
 * whole cluster, split evenly among the replicas using it (see
 * `QuotaLedger`), holding two ticks' worth. A lease not
 * spent within four ticks lapses, so requests cannot be hoarded for a later
 * burst. Only the first call after an idle spell waits for a lease round trip.
 * The limit is thereby a steady rate: a whole interval's quota no longer goes
 * at once, and `minTimeMs` spaces the requests of each replica.
 *
 * When Redis is unreachable, each process falls back to the same limit on
 * its own, so the service keeps working with a looser global bound.
 */
export class RateLimiter {
  readonly #local: Bottleneck;
  readonly #shared: LeasedQuota | undefined;
  readonly #ready: Promise<void>;

  constructor(options: RateLimiterOptions) {
    if (!Number.isSafeInteger(options.maxRequests) || options.maxRequests < 1) throw new RangeError('RateLimiter: maxRequests must be an integer >= 1');
    if (!(options.intervalMs >= 1) || !(options.minTimeMs >= 0)) throw new RangeError('RateLimiter: intervalMs must be >= 1 and minTimeMs >= 0');
    const onError = options.onError ?? (() => undefined);
    this.#local = new Bottleneck({
      reservoir: options.maxRequests,
      reservoirRefreshAmount: options.maxRequests,
      reservoirRefreshInterval: options.intervalMs,
      minTime: options.minTimeMs,
      // How often the reservoir refresh is checked (Bottleneck's default is 250 ms).
      heartbeatInterval: Math.max(10, Math.min(250, Math.floor(options.intervalMs / 4))),
      id: `${options.id}:local`,
    });
    this.#local.on('error', onError);
    this.#shared = options.redis ? new LeasedQuota(options, options.redis, onError) : undefined;
    this.#ready = this.#shared ? this.#shared.ready : Promise.resolve();
    this.#ready.catch(onError);
  }

  /**
   * Resolves once the shared limit is in use (at once when local). Until then,
   * and whenever Redis is not connected, requests are limited locally.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Whether the shared (Redis) limit is configured. */
  get shared(): boolean {
    return this.#shared !== undefined;
  }

  /**
   * Resolves when a request may go, with how long that took. Rejects with
   * `signal.reason` when the signal aborts first (the slot it had asked for is
   * still used up later: Bottleneck cannot take a queued job back). An
   * `urgent` request (settling what was done) goes ahead of those waiting.
   */
  async acquire(signal: AbortSignal, options: { readonly urgent?: boolean } = {}): Promise<number> {
    signal.throwIfAborted();
    const startedAt = performance.now();
    // Bottleneck runs lower priorities first (default 5): an urgent request goes ahead of every waiting one.
    const job = { priority: options.urgent ? 1 : 5 };
    if (this.#shared?.usable()) {
      await this.#shared.acquire(signal, job);
      return performance.now() - startedAt;
    }
    await raceAbort(this.#local.schedule(job, noop), signal);
    return performance.now() - startedAt;
  }

  /** Drops waiting requests, stops timers and closes the limiter's own Redis connection. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.#local.stop({ dropWaitingJobs: true }), this.#shared?.stop()]);
    await this.#local.disconnect(false);
  }
}

/** This replica's part of a cluster-wide quota: a Bottleneck whose reservoir holds the requests leased from Redis. */
class LeasedQuota {
  readonly ready: Promise<void>;
  readonly #client: Redis;
  readonly #ledger: QuotaLedger;
  readonly #limiter: Bottleneck;
  readonly #onError: (error: unknown) => void;
  readonly #tickMs: number;
  readonly #fallbackPerTick: number;
  readonly #ticker: NodeJS.Timeout;
  #lapse: NodeJS.Timeout | undefined;
  /** Leased requests not yet spent, requests waiting for one, and those spent since the last tick. */
  #left = 0;
  #waiting = 0;
  #spentSinceTick = 0;
  #leasing: Promise<void> | undefined;
  #stopped = false;

  constructor(options: RateLimiterOptions, redis: Redis, onError: (error: unknown) => void) {
    this.#onError = onError;
    this.#tickMs = Math.max(10, Math.min(100, Math.floor(options.intervalMs / 10)));
    const perTick = (options.maxRequests * this.#tickMs) / options.intervalMs;
    this.#fallbackPerTick = Math.max(1, Math.ceil(perTick));
    // lazyConnect off: the first lease must not wait for a connection.
    this.#client = redis.duplicate({ lazyConnect: false });
    this.#client.on('error', onError);
    this.ready = this.#client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => this.#client.once('ready', () => resolve()));
    // The bucket holds what the cluster may send until the next lease arrives: two ticks.
    this.#ledger = new QuotaLedger({ redis: this.#client, id: options.id, maxRequests: options.maxRequests, intervalMs: options.intervalMs, burst: Math.max(1, Math.ceil(2 * perTick)) });
    this.#limiter = new Bottleneck({ reservoir: 0, minTime: options.minTimeMs, id: `${options.id}:leased` });
    this.#limiter.on('error', onError);
    this.#ticker = setInterval(() => void this.#lease(true), this.#tickMs);
    this.#ticker.unref();
  }

  usable(): boolean {
    // A client that is not connected would queue the command until it is: go around it instead.
    return this.#client.status === 'ready';
  }

  async acquire(signal: AbortSignal, job: { readonly priority: number }): Promise<void> {
    this.#waiting++;
    // The first caller after an idle spell asks at once; later ones ride on the ticks.
    if (this.#waiting === 1 && this.#left === 0) void this.#lease(false);
    await raceAbort(this.#limiter.schedule(job, this.#spend), signal);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#ticker);
    clearTimeout(this.#lapse);
    await this.#limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.#limiter.disconnect(false);
    await this.#leasing;
    this.#client.disconnect(false);
  }

  readonly #spend = (): Promise<void> => {
    this.#waiting--;
    this.#left--;
    this.#spentSinceTick++;
    return Promise.resolve();
  };

  #lease(tick: boolean): Promise<void> {
    if (this.#leasing || this.#stopped) return this.#leasing ?? Promise.resolve();
    // Enough for what waits, and for the next two ticks at the pace of the last one.
    const wanted = this.#waiting + 2 * this.#spentSinceTick - this.#left;
    if (tick) this.#spentSinceTick = 0;
    if (wanted <= 0) return Promise.resolve();
    // Redis gone while requests wait here: they go at this process's own share of the limit.
    const alone = () => this.#grant(Math.min(wanted, this.#fallbackPerTick));
    if (!this.usable()) return alone();
    this.#leasing = this.#ledger
      .take(wanted)
      .then(
        (granted) => this.#grant(granted),
        (error: unknown) => {
          this.#onError(error);
          return alone();
        },
      )
      .finally(() => {
        this.#leasing = undefined;
      });
    return this.#leasing;
  }

  async #grant(granted: number): Promise<void> {
    if (this.#stopped || granted <= 0) return;
    this.#left += granted;
    clearTimeout(this.#lapse);
    this.#lapse = setTimeout(() => void this.#lapseLeases(), 4 * this.#tickMs);
    this.#lapse.unref();
    await this.#limiter.incrementReservoir(granted);
  }

  // Leases unspent for four ticks lapse: nothing is hoarded for a later burst.
  async #lapseLeases(): Promise<void> {
    if (this.#stopped) return;
    this.#left = 0;
    // Bottleneck's typings say it returns the limiter; it returns a promise.
    await (this.#limiter.updateSettings({ reservoir: 0 }) as unknown as Promise<unknown>);
    if (this.#waiting > 0) await this.#lease(false);
  }
}

function noop(): Promise<void> {
  return Promise.resolve();
}
