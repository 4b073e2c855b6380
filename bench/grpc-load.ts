import { ChannelCredentials, ClientError, createChannel, Status, type Channel } from 'nice-grpc';
import { newTally, recordAnswer, tallyToLoadResult, type CallTally } from './call-stats.ts';
import { toMeasurement, type Measurement } from './measurement.ts';
import type { RssSampler } from './rss-sampler.ts';
import { GRPC_CHANNELS } from './grpc-channels.ts';

/** One call of a gRPC scenario or baseline over the given channel; it resolves on OK and throws the call's error otherwise. */
export type GrpcCaller = (signal: AbortSignal) => Promise<unknown>;

export interface GrpcLoadSpec {
  readonly name: string;
  readonly title: string;
  /** host:port of the gRPC server (h2c). */
  readonly target: string;
  /** Calls in flight at any time, spread over the channels: the `connections` of the HTTP runs. */
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Builds, once per channel, the function that makes one call on it. */
  readonly callerFor: (channel: Channel) => GrpcCaller;
}


/**
 * The gRPC load generator: a few @grpc/grpc-js channels (each its own HTTP/2
 * connection), each carrying many concurrent unary calls through the
 * generated nice-grpc clients, as a gRPC caller of the service would. Hand-
 * written because no well-kept Node gRPC load generator exists (ghz is Go;
 * the npm "grpc bench" packages are unmaintained and drive one call at a
 * time). It runs in the harness process like autocannon: the figure that
 * matters, the server's CPU per call, is read from the server's own
 * /proc/<pid>/stat and does not include the generator's CPU.
 */
export class GrpcLoadDriver {
  readonly #stop = new AbortController();
  /** The generator's own CPU (this process's) per call over the last measured window, µs: the cost of the client side. */
  lastClientCpuMicrosPerCall: number | null = null;

  async measure(spec: GrpcLoadSpec, rss: RssSampler | undefined, onWindow?: () => void): Promise<Measurement> {
    const channels = Array.from({ length: GRPC_CHANNELS }, (_, i) =>
      // A local subchannel pool and a distinct option per channel: grpc-js would otherwise share one connection between them.
      createChannel(spec.target, ChannelCredentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.bench_channel': i }),
    );
    try {
      const callers = channels.map((channel) => spec.callerFor(channel));
      if (spec.warmupSeconds > 0) await this.#run(callers, spec.connections, spec.warmupSeconds);
      rss?.resetWindow();
      onWindow?.();
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const tally = await this.#run(callers, spec.connections, spec.durationSeconds);
      const cpu = process.cpuUsage(cpuBefore);
      const seconds = (performance.now() - started) / 1000;
      this.lastClientCpuMicrosPerCall = tally.latenciesMs.length === 0 ? null : (cpu.user + cpu.system) / tally.latenciesMs.length;
      return toMeasurement(spec, tallyToLoadResult(tally, seconds), rss?.windowPeak() ?? null, rss?.windowCpuSeconds() ?? null);
    } finally {
      for (const channel of channels) channel.close();
    }
  }

  /** Aborts every call in flight (Ctrl-C), so that the harness can clean up at once. */
  stop(): void {
    this.#stop.abort();
  }

  async #run(callers: readonly GrpcCaller[], inFlight: number, seconds: number): Promise<CallTally> {
    if (this.#stop.signal.aborted) throw new Error('load stopped');
    const tally = newTally();
    const end = performance.now() + seconds * 1000;
    const worker = async (caller: GrpcCaller) => {
      while (performance.now() < end && !this.#stop.signal.aborted) {
        const started = performance.now();
        try {
          await caller(this.#stop.signal);
          recordAnswer(tally, 'OK', performance.now() - started);
        } catch (error) {
          classify(tally, error, performance.now() - started);
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, (_, i) => worker(callers[i % callers.length] as GrpcCaller)));
    if (this.#stop.signal.aborted) throw new Error('load stopped');
    return tally;
  }
}

// A status the server sent is an answer (non-2xx); a call that reached no server or ran out of time got none.
function classify(tally: CallTally, error: unknown, latencyMs: number): void {
  if (!(error instanceof ClientError)) {
    tally.errors += 1;
    return;
  }
  if (error.code === Status.UNAVAILABLE || error.code === Status.CANCELLED) tally.errors += 1;
  else if (error.code === Status.DEADLINE_EXCEEDED) {
    tally.errors += 1;
    tally.timeouts += 1;
  } else recordAnswer(tally, Status[error.code], latencyMs);
}
