import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface HttpServerSettings {
  readonly host: string;
  readonly port: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish within
   * `graceMs`, then cuts whatever is left.
   */
  stop(graceMs: number): Promise<{ forced: boolean }>;
}

export async function startHttpServer(listener: RequestListener, settings: HttpServerSettings): Promise<RunningHttpServer> {
  const server = createServer(
    {
      // A slow client cannot hold a connection forever: headers, whole request
      // and idle kept-alive connections each have a limit.
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    listener,
  );
  server.listen(settings.port, settings.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const { port } = server.address() as AddressInfo;

  return {
    server,
    port,
    async stop(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle kept-alive sockets would otherwise keep close() waiting.
      server.closeIdleConnections();
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      return { forced };
    },
  };
}
