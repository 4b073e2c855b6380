/**
 * A key-value cache of strings with a time to live per entry. It may forget
 * anything at any time (eviction, restart, outage): callers treat a miss as
 * "go to the source", never as "does not exist".
 */
export interface Cache {
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;

  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;

  /** Forgets `key`; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
}
