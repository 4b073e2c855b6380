import { LRUCache } from 'lru-cache';
import type { Cache } from '../../domain/shared/cache.ts';

export interface InProcessCacheOptions {
  /** Most entries kept; the least recently used go first. Default 10 000. */
  readonly maxEntries?: number;
  /** Upper bound on the memory the entries hold, estimated from string lengths. Default 32 MiB. */
  readonly maxBytes?: number;
}

// A rough per-entry overhead (object, list slots, timestamps) on top of the UTF-16 strings.
const ENTRY_OVERHEAD_BYTES = 64;

/** A `Cache` in this process's memory, bounded by entry count and by size. Not shared between replicas. */
export class InProcessCache implements Cache {
  readonly #entries: LRUCache<string, string>;

  constructor(options: InProcessCacheOptions = {}) {
    this.#entries = new LRUCache<string, string>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (value, key) => (value.length + key.length) * 2 + ENTRY_OVERHEAD_BYTES,
    });
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#entries.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    // An entry larger than maxBytes is not stored: a cache may always forget.
    this.#entries.set(key, value, { ttl: Math.max(1, Math.ceil(ttlMs)) });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }
}
