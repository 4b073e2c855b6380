import type { Context } from '../../domain/shared/context.ts';
import type { Served } from '../../domain/shared/served.ts';
import { LocalLevel, type LocalEntry } from './local-level.ts';
import { RedisHealth } from './redis-health.ts';
import { RedisInvalidationBus } from './redis-invalidation-bus.ts';
import { SingleFlight } from './single-flight.ts';
import { resolveOptions, shorten, spread, type ResolvedOptions, type TwoLevelCacheOptions, type TwoLevelCacheStats } from './two-level-cache.options.ts';
import { ABSENT_VERSION, TOMBSTONE_VERSION, VersionedRedisStore, type StoredEntry } from './versioned-redis-store.ts';

export type { TwoLevelCacheOptions, TwoLevelCacheStats } from './two-level-cache.options.ts';

/** Reads the entity from the source of truth; `undefined` means it does not exist. */
export type Loader<T> = (signal: AbortSignal) => Promise<T | undefined>;

interface Lookup {
  readonly text: string | undefined;
  readonly source: 'redis' | 'load' | 'stale';
  /** Redis failed during the lookup, so it was gone around. */
  readonly bypass: boolean;
}

interface Repair {
  readonly version: number;
  readonly text: string | undefined;
}

type Counter = 'hitsLocal' | 'hitsRedis' | 'misses' | 'loads' | 'staleServed' | 'invalidationsReceived' | 'resyncs';

/**
 * A read-through cache for one kind of versioned entity, keyed by id: a small
 * LRU per process in front of Redis (optional). Concurrent misses of one id
 * share one load per process; writes go through to Redis only if not older
 * than what it holds and are fanned out as invalidations over pub/sub; the
 * local TTL bounds staleness even when those are lost. Redis failures never
 * fail a read, and the last known value is served when the load fails.
 * Call `put`/`remove` after the write has committed.
 */
export class TwoLevelCache<T> {
  readonly #options: ResolvedOptions<T>;
  readonly #local: LocalLevel;
  readonly #flights = new SingleFlight<string, Lookup>();
  readonly #store: VersionedRedisStore | undefined;
  readonly #bus: RedisInvalidationBus | undefined;
  readonly #health: RedisHealth;
  readonly #repairs = new Map<string, Repair>();
  readonly #decoded = new WeakMap<LocalEntry, T>();
  readonly #counts: Record<Counter, number> = { hitsLocal: 0, hitsRedis: 0, misses: 0, loads: 0, staleServed: 0, invalidationsReceived: 0, resyncs: 0 };
  #repairing: Promise<void> | undefined;
  #closed = false;

  constructor(options: TwoLevelCacheOptions<T>) {
    const o = resolveOptions(options);
    this.#options = o;
    this.#local = new LocalLevel({ maxEntries: o.localMaxEntries, maxBytes: o.localMaxBytes, staleWindowMs: o.staleWindowMs });
    this.#health = new RedisHealth(o.log, o.name, o.warnIntervalMs);
    if (o.redis) {
      this.#store = new VersionedRedisStore(o.redis, { keyPrefix: o.keyPrefix, timeoutMs: o.redisTimeoutMs });
      this.#bus = new RedisInvalidationBus(o.redis, {
        channel: o.channel,
        timeoutMs: o.redisTimeoutMs,
        listener: {
          onInvalidate: (id) => {
            this.#counts.invalidationsReceived += 1;
            this.#dropLocal(id);
          },
          onResync: () => {
            this.#counts.resyncs += 1;
            this.#local.clear();
          },
          onError: (error) => this.#health.failed(error),
        },
      });
    }
  }

  /**
   * The entity with `id`, from the local level, Redis or `load` (run once per
   * process for concurrent misses; its signal aborts only when every waiting
   * caller has gone), and how it was served. Rethrows the load's error only
   * when no stale value is left to serve.
   */
  async get(ctx: Context, id: string, load: Loader<T>): Promise<Served<T | undefined>> {
    if (this.#options.bypass?.()) {
      this.#counts.misses += 1;
      return { value: await load(ctx.signal), cache: 'bypass', stale: false };
    }
    const local = this.#local.get(id);
    if (local && local.freshUntil > Date.now()) {
      this.#counts.hitsLocal += 1;
      return { value: this.#decodeLocal(local), cache: 'hit', stale: false };
    }
    const found = await this.#flights.run(id, ctx.signal, (signal) => this.#lookup(id, load, signal));
    if (found.source === 'redis') {
      this.#counts.hitsRedis += 1;
      return { value: this.#decode(found.text), cache: 'hit', stale: false };
    }
    const stale = found.source === 'stale';
    this.#counts.misses += 1;
    if (stale) this.#counts.staleServed += 1;
    // A stale value still came from a cache level; 'bypass' says Redis could not be asked.
    return { value: this.#decode(found.text), cache: found.bypass ? 'bypass' : stale ? 'hit' : 'miss', stale };
  }

  /** After a committed create or update: `value` replaces older versions everywhere. Never throws for Redis. */
  async put(_ctx: Context, id: string, value: T): Promise<void> {
    await this.#changed(id, { version: this.#options.versionOf(value), text: this.#options.serialize(value) });
  }

  /** After a committed delete: a tombstone beats any version a late reader might still write. */
  async remove(_ctx: Context, id: string): Promise<void> {
    await this.#changed(id, { version: TOMBSTONE_VERSION, text: undefined });
  }

  stats(): TwoLevelCacheStats {
    return { ...this.#counts, redisErrors: this.#health.errors, pendingRepairs: this.#repairs.size, localEntries: this.#local.size, flights: this.#flights.size };
  }

  /** Unsubscribes and quits the subscriber connection. The Redis client given in the options stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#bus?.close();
    await this.#repairing;
  }

  async #lookup(id: string, load: Loader<T>, signal: AbortSignal): Promise<Lookup> {
    const stamp = this.#local.stamp();
    const localCopy = this.#local.get(id);
    let stored: StoredEntry | undefined;
    let bypass = false;
    if (this.#store) {
      try {
        stored = await this.#store.read(id);
        this.#redisAnswered();
      } catch (error) {
        bypass = true;
        this.#health.failed(error);
      }
      if (stored && stored.freshUntil > Date.now()) {
        this.#fillLocal(id, stored, stamp);
        return { text: stored.text, source: 'redis', bypass };
      }
    }

    let value: T | undefined;
    try {
      this.#counts.loads += 1;
      value = await load(signal);
    } catch (error) {
      const stale = stored ?? localCopy;
      if (stale) return { text: stale.text, source: 'stale', bypass };
      throw error;
    }

    const entry = this.#entry(value === undefined ? ABSENT_VERSION : this.#options.versionOf(value), value === undefined ? undefined : this.#options.serialize(value));
    let newest = true;
    if (this.#store && !bypass) {
      try {
        newest = await this.#store.write(id, entry, this.#redisTtl(entry));
        this.#redisAnswered();
      } catch (error) {
        bypass = true;
        this.#health.failed(error);
      }
    }
    // Redis holding a newer version means a write overtook this load: keep the old value out.
    if (newest) this.#fillLocal(id, entry, stamp);
    return { text: entry.text, source: 'load', bypass };
  }

  async #changed(id: string, change: Repair): Promise<void> {
    this.#dropLocal(id);
    if (!this.#store) return;
    const entry = this.#entry(change.version, change.text);
    // Both sent in this tick, so the client's auto-pipelining writes them in one socket write; one
    // connection runs them in order, so the write lands before any replica hears of it.
    const writing = this.#store.write(id, entry, this.#redisTtl(entry)).then(
      () => {
        this.#repairs.delete(id);
        this.#redisAnswered();
      },
      (error: unknown) => {
        this.#health.failed(error);
        this.#remember(id, change);
      },
    );
    const publishing = this.#bus?.publish(id).catch((error: unknown) => this.#health.failed(error));
    await Promise.all([writing, publishing]);
  }

  #dropLocal(id: string): void {
    this.#local.invalidate(id);
    // Callers from now on must not join a load that began before the change.
    this.#flights.forget(id);
  }

  #entry(version: number, text: string | undefined): StoredEntry {
    const ttl = text === undefined ? this.#options.negativeTtlMs : this.#options.ttlMs;
    return { version, text, freshUntil: Date.now() + spread(ttl, this.#options.jitter) };
  }

  // Values are kept a stale window past freshness; "not found" is not (lookups of random ids would
  // fill Redis for minutes), except that a tombstone must outlive any load still running.
  #redisTtl(entry: StoredEntry): number {
    const fresh = entry.freshUntil - Date.now();
    if (entry.version === TOMBSTONE_VERSION) return Math.max(fresh, this.#options.tombstoneTtlMs);
    return entry.text === undefined ? fresh : fresh + this.#options.staleWindowMs;
  }

  #fillLocal(id: string, entry: StoredEntry, stamp: number): void {
    const freshUntil = Math.min(Date.now() + shorten(this.#options.localTtlMs, this.#options.jitter), entry.freshUntil);
    this.#local.fill(id, { text: entry.text, freshUntil }, stamp);
  }

  // A local entry is parsed once, on its first hit, and that frozen value is shared by every later hit.
  #decodeLocal(entry: LocalEntry): T | undefined {
    if (entry.text === undefined) return undefined;
    let value = this.#decoded.get(entry);
    if (value === undefined) {
      value = Object.freeze(this.#options.deserialize(entry.text));
      this.#decoded.set(entry, value);
    }
    return value;
  }

  #decode(text: string | undefined): T | undefined {
    return text === undefined ? undefined : this.#options.deserialize(text);
  }

  // A write that missed Redis would leave the old value there until its TTL: replay it on recovery.
  #remember(id: string, change: Repair): void {
    this.#repairs.delete(id);
    if (this.#repairs.size >= this.#options.maxPendingRepairs) {
      const oldest = this.#repairs.keys().next();
      if (!oldest.done) this.#repairs.delete(oldest.value);
    }
    this.#repairs.set(id, change);
  }

  #redisAnswered(): void {
    if (this.#health.succeeded() && this.#repairs.size > 0 && !this.#repairing && !this.#closed) {
      this.#repairing = this.#replayRepairs().finally(() => {
        this.#repairing = undefined;
      });
    }
  }

  async #replayRepairs(): Promise<void> {
    for (const [id, change] of [...this.#repairs]) {
      if (this.#closed || !this.#store) return;
      if (this.#repairs.get(id) !== change) continue;
      try {
        const entry = this.#entry(change.version, change.text);
        await this.#store.write(id, entry, this.#redisTtl(entry));
        if (this.#repairs.get(id) === change) this.#repairs.delete(id);
      } catch (error) {
        this.#health.failed(error);
        return;
      }
    }
  }
}
