import { LRUCache } from 'lru-cache';

/** A serialized value (or "absent") held in this process. */
export interface LocalEntry {
  readonly text: string | undefined;
  /** Epoch ms until which the entry is served without looking further. */
  readonly freshUntil: number;
}

export interface LocalLevelOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** How long a value is kept past `freshUntil`, to be served if the source fails. */
  readonly staleWindowMs: number;
}

// Object, list slots and timestamps on top of the UTF-16 strings; a rough figure.
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * The per-process level of the two-level cache: a bounded LRU of serialized
 * entries plus invalidation stamps. A fill carries the stamp taken before its
 * value was read and is refused when the id was invalidated since, so a load
 * that started before a write can never put its older value back.
 */
export class LocalLevel {
  readonly #entries: LRUCache<string, LocalEntry>;
  // Last invalidation stamp per id, bounded; an evicted stamp raises #floor,
  // which errs on the safe side (refuses a few fills it could have allowed).
  readonly #invalidated: LRUCache<string, number>;
  readonly #staleWindowMs: number;
  #clock = 0;
  #floor = 0;

  constructor(options: LocalLevelOptions) {
    this.#staleWindowMs = options.staleWindowMs;
    this.#entries = new LRUCache<string, LocalEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry, id) => ((entry.text?.length ?? 0) + id.length) * 2 + ENTRY_OVERHEAD_BYTES,
    });
    this.#invalidated = new LRUCache<string, number>({
      max: options.maxEntries,
      dispose: (stamp, _id, reason) => {
        if (reason === 'evict') this.#floor = Math.max(this.#floor, stamp);
      },
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry, fresh or stale; the caller compares `freshUntil` with the time. */
  get(id: string): LocalEntry | undefined {
    return this.#entries.get(id);
  }

  /** Take before reading from a lower level; pass to `fill`. */
  stamp(): number {
    return this.#clock;
  }

  /** Stores the entry unless `id` was invalidated after `stamp`; returns whether it was stored. */
  fill(id: string, entry: LocalEntry, stamp: number): boolean {
    const lastInvalidation = Math.max(this.#invalidated.get(id) ?? 0, this.#floor);
    if (lastInvalidation > stamp) return false;
    // Only values are kept past freshness, to be served if the source fails; "not found" is not.
    const keep = entry.text === undefined ? 0 : this.#staleWindowMs;
    const ttl = Math.max(1, Math.ceil(entry.freshUntil - Date.now() + keep));
    this.#entries.set(id, entry, { ttl });
    return true;
  }

  invalidate(id: string): void {
    this.#clock += 1;
    this.#invalidated.set(id, this.#clock);
    this.#entries.delete(id);
  }

  /** Drops every entry and refuses fills begun before now. */
  clear(): void {
    this.#clock += 1;
    this.#floor = this.#clock;
    this.#entries.clear();
  }
}
