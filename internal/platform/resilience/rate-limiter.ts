import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { raceAbort } from './abortable.ts';

export interface RateLimiterOptions {
  /** Requests allowed per `intervalMs`, summed over every process that shares `id` through Redis. */
  readonly maxRequests: number;
  readonly intervalMs: number;
  /** Least time between two requests (smooths bursts). 0 lets a whole interval's quota go at once. */
  readonly minTimeMs: number;
  /**
   * Makes the limit cluster-wide (Bottleneck's ioredis datastore). The limiter
   * duplicates this client twice (commands, pub/sub) and owns the duplicates;
   * the caller keeps owning `redis`.
   */
  readonly redis?: Redis | undefined;
  /** Names the shared limit in Redis (keys `b_<id>_*`); every replica must use the same one. */
  readonly id: string;
  /** Redis problems (then this process limits on its own until Redis is back). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * A request-rate limit: `acquire()` resolves when one more request may be
 * sent. Local (Bottleneck in memory) or, with Redis, shared by every replica.
 * When Redis is unreachable, each process falls back to the same limit on its
 * own, so the service keeps working with a looser global bound.
 */
export class RateLimiter {
  readonly #local: Bottleneck;
  readonly #shared: { readonly limiter: Bottleneck; readonly connection: Bottleneck.IORedisConnection; readonly clients: Redis[] } | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #ready: Promise<void>;

  constructor(options: RateLimiterOptions) {
    if (!Number.isSafeInteger(options.maxRequests) || options.maxRequests < 1) throw new RangeError('RateLimiter: maxRequests must be an integer >= 1');
    if (!(options.intervalMs >= 1) || !(options.minTimeMs >= 0)) throw new RangeError('RateLimiter: intervalMs must be >= 1 and minTimeMs >= 0');
    this.#onError = options.onError ?? (() => undefined);
    const settings = {
      reservoir: options.maxRequests,
      reservoirRefreshAmount: options.maxRequests,
      reservoirRefreshInterval: options.intervalMs,
      minTime: options.minTimeMs,
      // How often the reservoir refresh is checked (Bottleneck's default is 250 ms locally, 5 s in Redis).
      heartbeatInterval: Math.max(10, Math.min(250, Math.floor(options.intervalMs / 4))),
    };
    this.#local = new Bottleneck({ ...settings, id: `${options.id}:local` });
    this.#local.on('error', this.#onError);

    if (options.redis) {
      // lazyConnect off: Bottleneck waits for 'ready' and would wait forever on a lazy client.
      const clients = [options.redis.duplicate({ lazyConnect: false })];
      const connection = new Bottleneck.IORedisConnection({ client: clients[0] });
      connection.on('error', this.#onError);
      const limiter = new Bottleneck({
        ...settings,
        id: options.id,
        datastore: 'ioredis',
        connection,
        // Keys of a limit nobody uses any more expire.
        timeout: Math.max(60_000, 10 * options.intervalMs),
      });
      limiter.on('error', this.#onError);
      this.#ready = (limiter.ready() as Promise<{ subscriber: Redis }>).then(async ({ subscriber }) => {
        // Replicas started with other settings: the latest start wins (the current reservoir is left as it is).
        const { reservoirRefreshAmount, reservoirRefreshInterval, minTime } = settings;
        // Bottleneck's typings say it returns the limiter; it returns a promise (a Redis round trip).
        await (limiter.updateSettings({ reservoirRefreshAmount, reservoirRefreshInterval, minTime }) as unknown as Promise<unknown>);
        clients.push(subscriber);
      });
      this.#ready.catch(this.#onError);
      this.#shared = { limiter, connection, clients };
    } else {
      this.#ready = Promise.resolve();
    }
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
   * still used up later: Bottleneck cannot take a queued job back).
   */
  async acquire(signal: AbortSignal): Promise<number> {
    signal.throwIfAborted();
    const startedAt = performance.now();
    const limiter = this.#sharedUsable() ? this.#shared?.limiter : undefined;
    if (limiter) {
      try {
        await raceAbort(limiter.schedule(noop), signal);
        return performance.now() - startedAt;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        this.#onError(error);
      }
    }
    await raceAbort(this.#local.schedule(noop), signal);
    return performance.now() - startedAt;
  }

  /** Drops waiting requests, stops timers and closes the limiter's own Redis connections. */
  async stop(): Promise<void> {
    const limiters = [this.#local, ...(this.#shared ? [this.#shared.limiter] : [])];
    await Promise.allSettled(limiters.map((limiter) => limiter.stop({ dropWaitingJobs: true })));
    // The shared connection first: once it is terminated, the limiter's own disconnect
    // no longer unsubscribes, which Bottleneck does in a promise nobody awaits; with
    // Redis down that rejection ("Stream isn't writeable") would be unhandled.
    if (this.#shared) {
      await this.#shared.connection.disconnect(false).catch(this.#onError);
    }
    await Promise.allSettled(limiters.map((limiter) => limiter.disconnect(false)));
  }

  #sharedUsable(): boolean {
    // A client that is not connected would queue the command until it is: go around it instead.
    // Until the pub/sub client is known (startup), the shared limit is not used either.
    const clients = this.#shared?.clients ?? [];
    return clients.length === 2 && clients.every((client) => client.status === 'ready');
  }
}

function noop(): Promise<void> {
  return Promise.resolve();
}
