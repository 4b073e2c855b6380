import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

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
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${output}`)));
      server.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Server is ready')) resolve();
      });
    });
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };
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
