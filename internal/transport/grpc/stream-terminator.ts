import type { ServerMiddleware } from 'nice-grpc';

/**
 * Ends open server streams with OK when the server drains (health `Watch`
 * streams never end by themselves, and would hold the drain until the grace
 * period is over). Streams see a signal that also aborts on `terminate()`.
 */
export class StreamTerminator {
  readonly #controller = new AbortController();

  terminate(): void {
    this.#controller.abort();
  }

  middleware(): ServerMiddleware {
    const terminated = this.#controller.signal;
    return async function* (call, context) {
      if (!call.responseStream) return yield* call.next(call.request, context);
      // On this very object, not a copy: the middlewares after this one record on it
      // (`ctx`, `authError`) what `callContext` reads back for the status and the log line.
      const callerSignal = context.signal;
      const streamContext = Object.assign(context, { signal: AbortSignal.any([callerSignal, terminated]) });
      try {
        return yield* call.next(call.request, streamContext);
      } catch (error) {
        if (terminated.aborted && !callerSignal.aborted && isAbortError(error)) return;
        throw error;
      }
    };
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
