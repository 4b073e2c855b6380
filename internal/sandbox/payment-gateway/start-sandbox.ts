import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationJournal } from './authorization-journal.ts';
import { AuthorizationStore } from './authorization-store.ts';
import { createSandboxApp, type SandboxAppOptions } from './sandbox-app.ts';

export interface PaymentSandboxOptions extends Omit<SandboxAppOptions, 'closeSignal' | 'store'> {
  /**
   * Keeps the authorizations across restarts; in memory only without one.
   * Until what it kept is loaded (retried while its database is down), the
   * sandbox answers 503 like a gateway that is down, so it never answers
   * twice for one idempotency key.
   */
  readonly journal?: AuthorizationJournal;
  /** Told each time loading the journal fails (it is retried). */
  readonly onRestoreFailed?: (error: Error) => void;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningPaymentSandbox {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /**
   * Stops listening and cuts every connection at once (in flight, hung or
   * kept alive), so nothing of the sandbox keeps the process alive. Idempotent.
   */
  stop(): Promise<void>;
}

export async function startPaymentSandbox(options: PaymentSandboxOptions = {}): Promise<RunningPaymentSandbox> {
  const { port = 0, host = '127.0.0.1', journal, onRestoreFailed, ...appOptions } = options;
  const store = new AuthorizationStore({ maxAuthorizations: appOptions.maxAuthorizations, journal });
  const closing = new AbortController();
  const restoring = restoreUntilDone(store, closing.signal, onRestoreFailed);
  const app = createSandboxApp({ ...appOptions, store, closeSignal: closing.signal });
  const server = createServer((request, response) => {
    if (restoring.done) return void app(request, response);
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"starting: authorizations not loaded yet"}');
  });
  await restoring.first;
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const actualPort = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        closing.abort();
        restoring.stop();
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

interface Restoring {
  /** Settles after the first attempt (successful or not). */
  readonly first: Promise<void>;
  readonly done: boolean;
  stop(): void;
}

/** Loads the journal, retrying (every 0.5 s to 5 s) until it works or the sandbox stops. Hand-written: the sandbox imports nothing of the service. */
function restoreUntilDone(store: AuthorizationStore, signal: AbortSignal, onFailed: ((error: Error) => void) | undefined): Restoring {
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let delayMs = 500;
  const attempt = async (): Promise<void> => {
    try {
      await store.restore();
      done = true;
    } catch (error) {
      if (signal.aborted) return;
      onFailed?.(error instanceof Error ? error : new Error(String(error)));
      timer = setTimeout(() => void attempt(), delayMs);
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  };
  const first = attempt();
  return {
    first,
    get done() {
      return done;
    },
    stop: () => clearTimeout(timer),
  };
}
