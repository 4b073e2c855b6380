import { createServer, type RequestListener, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
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
   * Stops accepting connections (new ones are refused), serves every
   * connection already accepted, lets in-flight requests finish within
   * `graceMs`, then cuts whatever is left.
   */
  stop(graceMs: number): Promise<{ forced: boolean }>;
}

/** What the server knows of one accepted connection. */
interface ConnectionState {
  /** Requests received on it so far. */
  served: number;
  /** Requests received whose response has not ended. */
  inFlight: number;
}

/** The longest the listener waits for a quiet moment (see acceptQueued) before it closes anyway. */
const ACCEPT_QUEUE_DRAIN_MAX_MS = 5_000;
/** A loop turn this short that accepted nothing leaves next to no time for a handshake to slip in before the close. */
const QUIET_TURN_MS = 1;

export async function startHttpServer(listener: RequestListener, settings: HttpServerSettings): Promise<RunningHttpServer> {
  const connections = new Map<Socket, ConnectionState>();
  let stopping = false;
  const server = createServer(
    {
      // A slow client cannot hold a connection forever: headers, whole request
      // and idle kept-alive connections each have a limit.
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    (req, res) => {
      const state = connections.get(req.socket);
      if (state) {
        state.served += 1;
        state.inFlight += 1;
        res.once('close', () => (state.inFlight -= 1));
      }
      // Once stopping, every answer ends its connection: the listener is closed, so nothing comes after it.
      if (stopping) res.shouldKeepAlive = false;
      listener(req, res);
    },
  );
  let accepted = 0;
  // When the last connection was taken: libuv takes the queued ones in a loop until the queue is empty, so right after it the queue is empty.
  let lastAcceptAt = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    lastAcceptAt = performance.now();
    connections.set(socket, { served: 0, inFlight: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.listen(settings.port, settings.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const { port } = server.address() as AddressInfo;

  /**
   * A connection still in the kernel's accept queue when the listening socket
   * closes is reset by the kernel, not refused, and so is one whose handshake
   * completes between the loop's last poll and the close. So the listener
   * closes in the check phase of a quick loop turn: one that took no
   * connection (the queue was empty when it polled) or one that took its last
   * connection under a millisecond ago (libuv takes queued connections until
   * the queue is empty) — little time since the queue was empty for a
   * handshake to complete in. Until then connections are still accepted and
   * served. Bounded (half the grace period, at most 5 s): under unending load
   * it closes anyway.
   */
  async function acceptQueued(graceMs: number): Promise<void> {
    const deadline = performance.now() + Math.min(graceMs / 2, ACCEPT_QUEUE_DRAIN_MAX_MS);
    await nextCheckPhase();
    for (;;) {
      const before = accepted;
      const turnStarted = performance.now();
      await nextCheckPhase();
      const now = performance.now();
      // Either the turn took nothing and was quick, or it took connections (emptying the queue) a moment ago.
      const quiet = accepted === before ? now - turnStarted < QUIET_TURN_MS : now - lastAcceptAt < QUIET_TURN_MS;
      if (quiet || performance.now() > deadline) return;
    }
  }

  return {
    server,
    port,
    async stop(graceMs) {
      stopping = true;
      // The grace period counts from now: the wait for a quiet moment to close the listener is part of it.
      let forced = false;
      const grace = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, graceMs);
      await acceptQueued(graceMs);
      // net.Server's close, not http.Server's: since Node 19 the latter also
      // destroys every connection without a request in progress, and that
      // includes one accepted a moment ago whose request bytes were not read
      // yet; destroying a socket with unread data makes the kernel send a reset.
      // (Node's connection checks, unreferenced, keep timing out slow headers and requests.)
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      // Kept-alive connections that served a request and wait for another are closed now;
      // a fresh one gets its first request, bounded by the headers timeout.
      for (const [socket, state] of connections) if (state.served > 0 && state.inFlight === 0) socket.destroy();
      const silent = setTimeout(() => {
        for (const [socket, state] of connections) if (state.served === 0) socket.destroy();
      }, settings.headersTimeoutMs);
      await closed;
      clearTimeout(silent);
      clearTimeout(grace);
      return { forced };
    },
  };
}

/** Resolves in the check phase of the event loop: after the next poll phase when called from a check phase. */
function nextCheckPhase(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

