import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartSpec {
  readonly name: string;
  /** A .ts entry point, run by the same Node as the harness. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** Polled until it answers 200. */
  readonly readyPath: string;
  readonly readyTimeoutMs?: number;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LINES = 60;

/**
 * Every process the harness starts, so that all of them are stopped at the
 * end, on failure and on Ctrl-C; `killAllNow` is the synchronous last resort
 * for `process.on('exit')`.
 */
export class ProcessGroup {
  readonly #children = new Set<ChildProcess>();
  readonly #running = new Set<RunningProcess>();

  async start(spec: StartSpec): Promise<RunningProcess> {
    const child = spawn(process.execPath, [spec.script, ...(spec.args ?? [])], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#children.add(child);
    const exited = once(child, 'exit').then(() => void this.#children.delete(child));
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      tail.push(...chunk.toString().split('\n').filter((line) => line.trim() !== ''));
      if (tail.length > OUTPUT_LINES) tail.splice(0, tail.length - OUTPUT_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const url = `http://127.0.0.1:${spec.port}`;
    const running: RunningProcess = {
      name: spec.name,
      pid: child.pid ?? -1,
      url,
      output: () => tail.join('\n'),
      stop: async (graceMs = 15_000) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
    this.#running.add(running);
    void exited.then(() => this.#running.delete(running));
    try {
      await waitUntilReady(`${url}${spec.readyPath}`, child, spec.readyTimeoutMs ?? 60_000);
    } catch (error) {
      await running.stop(2_000);
      throw new Error(`${spec.name} did not start: ${(error as Error).message}\n--- its last output ---\n${running.output()}`, { cause: error });
    }
    return running;
  }

  /** Stops every process still running, all at once. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((running) => running.stop()));
  }

  /** Sends SIGKILL to every child still alive; safe inside an 'exit' handler. */
  killAllNow(): void {
    for (const child of this.#children) child.kill('SIGKILL');
  }

}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer yet';
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `${url} answered ${response.status}`;
    } catch (error) {
      last = `${url}: ${(error as Error).message}`;
    }
    await sleep(100);
  }
  throw new Error(`not ready after ${timeoutMs} ms (${last})`);
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
