import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';
import { serverChild } from './server-child.ts';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server; `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Answers whether a Redis server replies to PING at `url` within a short time. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function hasRedisServerBinary(): Promise<boolean> {
  const probe = spawn('redis-server', ['--version'], { stdio: 'ignore' });
  const [code] = (await Promise.race([once(probe, 'exit'), once(probe, 'error').then(() => [-1])])) as [number | null];
  return code === 0;
}

/** A throw-away `redis-server` (Debian's binary) on a free port, persisting nothing. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const { start, stop } = serverChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { line: 'Ready to accept connections', stream: 'stdout' });

  await start();
  return { url, port, stop, start };
}
