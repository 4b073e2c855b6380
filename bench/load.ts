import autocannon from 'autocannon';
import { toMeasurement, type Measurement } from './measurement.ts';
import type { RssSampler } from './rss-sampler.ts';

export interface LoadSpec {
  readonly name: string;
  readonly title: string;
  readonly url: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Fixed request (method, path, headers, body) or per-request `setupRequest` hooks. */
  readonly requests: autocannon.Request[];
}

/**
 * Drives load with autocannon in this process; `stop()` cuts the run in
 * progress short (Ctrl-C), so the harness can clean up at once.
 */
export class LoadDriver {
  #current: autocannon.Instance | undefined;
  #stopped = false;

  /** Warm-up (discarded), then the measured run with the server's RSS sampled; `onWindow` is called as the measured run starts. */
  async measure(spec: LoadSpec, rss: RssSampler | undefined, onWindow?: () => void): Promise<Measurement> {
    if (spec.warmupSeconds > 0) await this.#run(spec, spec.warmupSeconds);
    rss?.resetWindow();
    onWindow?.();
    const result = await this.#run(spec, spec.durationSeconds);
    return toMeasurement(spec, result, rss?.windowPeak() ?? null, rss?.windowCpuSeconds() ?? null);
  }

  stop(): void {
    this.#stopped = true;
    this.#current?.stop();
  }

  #run(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
    if (this.#stopped) return Promise.reject(new Error('load stopped'));
    return new Promise((resolve, reject) => {
      this.#current = autocannon(
        {
          url: spec.url,
          connections: spec.connections,
          duration: seconds,
          timeout: 10,
          requests: spec.requests,
          headers: { accept: 'application/json' },
        },
        (error: unknown, result) => {
          this.#current = undefined;
          if (error) reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }));
          else if (this.#stopped) reject(new Error('load stopped'));
          else resolve(result);
        },
      );
    });
  }
}
