import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ServerChild {
  /** Spawns the server and resolves once it printed `readyLine`; rejects when it exits first. */
  readonly start: () => Promise<void>;
  /** SIGTERM, then waits for the exit; a no-op when it is not running. */
  readonly stop: () => Promise<void>;
}

/** A server binary the tests run themselves (redis-server, nats-server), started and stopped as often as a test needs. */
export function serverChild(command: string, args: readonly string[], ready: { readonly line: string; readonly stream: 'stdout' | 'stderr' }): ServerChild {
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const server = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
      server[ready.stream]?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(ready.line)) resolve();
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
  return { start, stop };
}
