/**
 * Runs work for one key at a time, in call order, like a row lock; work for
 * other keys runs freely. For the in-memory adapters.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** True while work for `key` runs or waits. */
  isHeld(key: string): boolean {
    return this.#tails.has(key);
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
