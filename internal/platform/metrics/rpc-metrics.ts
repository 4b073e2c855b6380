import { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.ts';

/** One finished gRPC call. */
export interface RpcCallSample {
  /** The full service name (`ordersvc.v1.UserService`). */
  readonly service: string;
  readonly method: string;
  /** The status code name (`OK`, `NOT_FOUND`). */
  readonly code: string;
  readonly durationMs: number;
}

/** What the gRPC server reports to the metrics. */
export interface GrpcMetricsHooks {
  readonly observeCall: (sample: RpcCallSample) => void;
  /** A server stream reset by the stalled-stream guard. */
  readonly streamReset: (service: string, method: string) => void;
}

type RpcLabel = 'rpc_service' | 'rpc_method' | 'rpc_grpc_status_code';

// Seconds, as the HTTP histogram; streams end in the last bucket.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Calls and their duration by service, method and status code (the names of
 * OpenTelemetry's RPC conventions). Services and methods are the contract's,
 * so the label set is bounded; unknown paths never reach a handler.
 */
export class RpcMetrics {
  readonly #calls: Counter<RpcLabel>;
  readonly #duration: Histogram<RpcLabel>;
  readonly #streamsReset: Counter<'rpc_service' | 'rpc_method'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const labelNames: RpcLabel[] = ['rpc_service', 'rpc_method', 'rpc_grpc_status_code'];
    this.#calls = new Counter({ name: 'rpc_server_calls_total', help: 'gRPC calls served, by service, method and status code.', labelNames, registers });
    this.#duration = new Histogram({ name: 'rpc_server_duration_seconds', help: 'Time from a gRPC call arriving to its status.', labelNames, buckets: DURATION_BUCKETS, registers });
    this.#streamsReset = new Counter({
      name: 'rpc_server_streams_reset_total',
      help: 'gRPC server streams reset because their client took no message for GRPC_STREAM_STALL_MS.',
      labelNames: ['rpc_service', 'rpc_method'],
      registers,
    });
  }

  /** A server stream was reset by the stalled-stream guard. */
  readonly streamReset = (service: string, method: string): void => {
    this.#streamsReset.inc({ rpc_service: service, rpc_method: method });
  };

  readonly observe = (sample: RpcCallSample): void => {
    const labels = { rpc_service: sample.service, rpc_method: sample.method, rpc_grpc_status_code: sample.code };
    this.#calls.inc(labels);
    this.#duration.observe(labels, sample.durationMs / 1000);
  };
}
