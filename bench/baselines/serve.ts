import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';

/**
 * Listens on PORT (127.0.0.1) and stops on SIGTERM/SIGINT, closing
 * `onStop` resources after the listener. Baselines are separate processes so
 * that each has the machine to itself, like the service.
 */
export async function serve(listener: RequestListener, onStop: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set');
  const server = createServer(listener);
  server.keepAliveTimeout = 5_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const stop = () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    server.close();
    server.closeAllConnections();
    void onStop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** The pg pool settings the service uses by default (DB_POOL_MAX=10), so that the database side is comparable. */
export function poolSettings(): { connectionString: string; max: number } {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL must be set');
  return { connectionString, max: Number(process.env.DB_POOL_MAX ?? 10) };
}
