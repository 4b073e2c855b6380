/**
 * A value read at most once per `maxAgeMs`: callers share the read under way
 * and its result (a failure too) until it is `maxAgeMs` old, so a burst of
 * scrapes costs the source one read, and a source that hangs gets no second one.
 */
export class CachedReading<T> {
  readonly #read: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #value: Promise<T> | undefined;
  /** When the last read settled; undefined while it is under way. */
  #settledAt: number | undefined;

  constructor(read: () => Promise<T>, maxAgeMs: number, now: () => number = () => performance.now()) {
    this.#read = read;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  get(): Promise<T> {
    const stale = this.#settledAt !== undefined && this.#now() - this.#settledAt >= this.#maxAgeMs;
    if (this.#value === undefined || stale) {
      this.#settledAt = undefined;
      const value = this.#start();
      this.#value = value;
      const settled = () => {
        if (this.#value === value) this.#settledAt = this.#now();
      };
      value.then(settled, settled);
    }
    return this.#value;
  }

  // A read that throws before returning its promise is a failed read like any other.
  async #start(): Promise<T> {
    return this.#read();
  }
}
