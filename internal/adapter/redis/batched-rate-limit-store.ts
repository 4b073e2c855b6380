import { LRUCache } from 'lru-cache';
import type { RateLimitCounter } from './redis-rate-limit-store.ts';

/** Where the hits of every replica are added up (Redis): `add` counts a batch, answers the window's total. */
export interface SharedHitCounter {
  readonly prefix: string;
  init(options: { windowMs: number }): void;
  add(key: string, hits: number): Promise<RateLimitCounter>;
  /** Several keys at once (one write); totals in the same order. */
  addMany(batch: readonly (readonly [key: string, hits: number])[]): Promise<RateLimitCounter[]>;
  decrement(key: string): Promise<void>;
  resetKey(key: string): Promise<void>;
}

export interface BatchedRateLimitOptions {
  /** How often the hits counted here are sent to the shared counter (default 100 ms). */
  readonly syncIntervalMs?: number;
  /**
   * A caller whose count comes within this share of the limit is counted with a round trip per
   * hit from then on (default 0.2).
   */
  readonly exactShare?: number;
}

interface KeyWindow {
  /** The window's total in the shared counter as last seen. */
  shared: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  readonly resetAt: number;
}

/**
 * A rate-limit store that keeps Redis off the request path while a caller is far from the limit
 * (what Kong's rate limiting calls `sync_rate`). A key's first hit in a window, and every hit once
 * the caller's count is within `exactShare` of the limit, go to the shared counter at once; other
 * hits are counted here and sent every `syncIntervalMs`, all keys in one pipelined write.
 * On one replica the limit stays exact. Across replicas a caller can get past it by at most the
 * hits the other replicas admitted in their last interval before the caller neared the limit.
 */
export class BatchedRateLimitStore {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #shared: SharedHitCounter;
  readonly #syncIntervalMs: number;
  readonly #exactShare: number;
  readonly #windows = new LRUCache<string, KeyWindow>({ max: 100_000 });
  #limit: number | undefined;
  #windowMs = 60_000;
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  // The keys with hits not yet sent: a sync visits these, not every window held.
  readonly #pendingKeys = new Set<string>();

  constructor(shared: SharedHitCounter, options: BatchedRateLimitOptions = {}) {
    this.#shared = shared;
    this.prefix = shared.prefix;
    this.#syncIntervalMs = options.syncIntervalMs ?? 100;
    this.#exactShare = options.exactShare ?? 0.2;
  }

  /** express-rate-limit hands over its options; a limit computed per request keeps every hit exact. */
  init(options: { windowMs: number; limit?: unknown }): void {
    this.#shared.init(options);
    this.#windowMs = options.windowMs;
    this.#limit = typeof options.limit === 'number' ? options.limit : undefined;
  }

  async increment(key: string): Promise<RateLimitCounter> {
    const now = Date.now();
    const window = this.#windows.get(key);
    if (window && window.resetAt > now && this.#farFromLimit(window.shared + window.pending + 1)) {
      window.pending += 1;
      this.#pendingKeys.add(key);
      this.#scheduleSync();
      return { totalHits: window.shared + window.pending, resetTime: new Date(window.resetAt) };
    }
    // Exact: a new window here, or close to the limit. Hits still pending for the key go along.
    const pending = window && window.resetAt > now ? window.pending : 0;
    if (window) window.pending = 0;
    const counter = await this.#shared.add(key, pending + 1);
    this.#remember(key, counter);
    return counter;
  }

  async decrement(key: string): Promise<void> {
    const window = this.#windows.get(key);
    if (window && window.pending > 0) window.pending -= 1;
    else await this.#shared.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    this.#windows.delete(key);
    await this.#shared.resetKey(key);
  }

  /** Sends what is pending now (tests; shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#syncing;
    this.#syncing = this.#sync();
    await this.#syncing;
  }

  /** Stops the timer; hits still pending are sent first. */
  async close(): Promise<void> {
    await this.flush();
  }

  #farFromLimit(hits: number): boolean {
    return this.#limit !== undefined && hits < this.#limit * (1 - this.#exactShare);
  }

  #remember(key: string, counter: RateLimitCounter): void {
    const resetAt = counter.resetTime?.getTime() ?? Date.now();
    const window = this.#windows.get(key);
    // The same window when the end times agree within half a window (they are read from a TTL).
    if (window && Math.abs(window.resetAt - resetAt) < this.#windowMs / 2) window.shared = Math.max(window.shared, counter.totalHits);
    else this.#windows.set(key, { shared: counter.totalHits, pending: window?.pending ?? 0, resetAt }, { ttl: Math.max(1, resetAt - Date.now()) });
  }

  #scheduleSync(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#syncing = this.#sync();
    }, this.#syncIntervalMs);
    this.#timer.unref();
  }

  async #sync(): Promise<void> {
    const batch: [string, number][] = [];
    for (const key of this.#pendingKeys) {
      const window = this.#windows.peek(key);
      if (!window || window.pending === 0) continue;
      batch.push([key, window.pending]);
      window.pending = 0;
    }
    this.#pendingKeys.clear();
    const counters = await this.#shared.addMany(batch);
    counters.forEach((counter, index) => this.#remember(batch[index]![0], counter));
  }
}
