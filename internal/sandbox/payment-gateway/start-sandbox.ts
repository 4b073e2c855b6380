import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationJournal } from './authorization-journal.ts';
import { AuthorizationStore } from './authorization-store.ts';
import { createSandboxApp, type SandboxAppOptions } from './sandbox-app.ts';

export interface PaymentSandboxOptions extends Omit<SandboxAppOptions, 'closeSignal' | 'store'> {
  /** Keeps the authorizations across restarts (loaded before listening); in memory only without one. */
  readonly journal?: AuthorizationJournal;
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
  const { port = 0, host = '127.0.0.1', journal, ...appOptions } = options;
  const store = new AuthorizationStore({ maxAuthorizations: appOptions.maxAuthorizations, journal });
  await store.restore();
  const closing = new AbortController();
  const server = createServer(createSandboxApp({ ...appOptions, store, closeSignal: closing.signal }));
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
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
