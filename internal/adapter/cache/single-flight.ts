interface Flight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
  settled: boolean;
}

/**
 * Runs at most one `work` per key at a time in this process; callers that
 * arrive while it runs share its result. Each caller waits under its own
 * signal (an aborted caller leaves at once); the work itself gets a signal
 * that aborts only when every caller has left, so one client going away
 * does not fail the others. Entries are removed when the work settles.
 */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Flight<V>>();

  /** Flights running now (for tests and gauges). */
  get size(): number {
    return this.#flights.size;
  }

  run(key: K, signal: AbortSignal, work: (signal: AbortSignal) => Promise<V>): Promise<V> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const flight = this.#flights.get(key) ?? this.#start(key, work);
    flight.waiters += 1;
    return this.#wait(key, flight, signal);
  }

  /** Later callers start a new flight; the running one still answers those already waiting. */
  forget(key: K): void {
    this.#flights.delete(key);
  }

  #start(key: K, work: (signal: AbortSignal) => Promise<V>): Flight<V> {
    const controller = new AbortController();
    const promise = new Promise<V>((resolve) => resolve(work(controller.signal)));
    const flight: Flight<V> = { promise, controller, waiters: 0, settled: false };
    const settle = () => {
      flight.settled = true;
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    };
    promise.then(settle, settle);
    this.#flights.set(key, flight);
    return flight;
  }

  #wait(key: K, flight: Flight<V>, signal: AbortSignal): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const onAbort = () => {
        flight.waiters -= 1;
        if (flight.waiters === 0 && !flight.settled) {
          if (this.#flights.get(key) === flight) this.#flights.delete(key);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
    });
  }
}
