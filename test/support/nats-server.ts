import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { serverChild } from './server-child.ts';

export interface NatsServer {
  readonly url: string;
  /** Stops the server (its store stays); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its store. */
  remove(): Promise<void>;
}

/** Answers whether a NATS server greets (`INFO {...}`) at `url` within a short time. */
export async function natsAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: hostname, port: Number(port || 4222) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('INFO')));
  });
}

export async function hasNatsServerBinary(): Promise<boolean> {
  const probe = spawn('nats-server', ['--version'], { stdio: 'ignore' });
  const [code] = (await Promise.race([once(probe, 'exit'), once(probe, 'error').then(() => [-1])])) as [number | null];
  return code === 0;
}

/** A throw-away `nats-server -js` on a free port with its store in a temporary folder. */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'ordersvc-nats-'));
  const { start, stop } = serverChild('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { line: 'Server is ready', stream: 'stderr' });
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    remove: async () => {
      await stop();
      await rm(store, { recursive: true, force: true });
    },
  };
}
