import { join } from 'node:path';
import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import type { BenchRedis } from './bench-redis.ts';
import { freePort, type ProcessGroup, type RunningProcess } from './processes.ts';
import { productionRuntimeEnv } from './production-runtime-env.ts';

/**
 * Throttles that protect production but would make the benchmark measure
 * themselves: the API and sign-in rate limits (all load comes from one
 * address and a few users), the rate limit and bulkhead towards the payment
 * gateway, and the queue in front of the password hasher (its 2 concurrent
 * hashes stay: they are the CPU cost being measured).
 */
export const RAISED_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_API_PER_WINDOW: '1000000000',
  RATE_LIMIT_AUTH_PER_WINDOW: '1000000000',
  PAYMENT_REQUESTS_PER_SECOND: '1000000',
  PAYMENT_MAX_CONCURRENT: '256',
  PAYMENT_MAX_QUEUED: '4096',
  PASSWORD_HASH_QUEUE: '1024',
};

export interface RunningService {
  readonly service: RunningProcess;
  readonly sandbox: RunningProcess;
  /** The service's diagnostics listener (loopback, no token): heap, event loop, CPU profiles. */
  readonly diagnosticsUrl: string;
  /** The runtime settings the service runs with: the API Deployment's NODE_OPTIONS and MALLOC_* (and any profiling flags). */
  readonly runtimeEnv: Readonly<Record<string, string>>;
}

/** What else the service is given: its gRPC port, and NATS to relay its events to (the in-process publisher without it). */
export interface ServiceExtras {
  readonly grpcPort: number;
  readonly nats?: { readonly url: string; readonly stream: string; readonly subjectPrefix: string } | undefined;
}

/** The sandbox gateway (no faults, no latency), then the service in production mode against them. */
export async function startService(group: ProcessGroup, databaseUrl: string, redis: BenchRedis | undefined, extras: ServiceExtras): Promise<RunningService> {
  const sandboxPort = await freePort();
  const sandbox = await group.start({
    name: 'payment sandbox',
    script: join(PROJECT_ROOT, 'cmd/payment-sandbox/main.ts'),
    args: ['--port', String(sandboxPort), '--host', '127.0.0.1'],
    env: { NODE_ENV: 'production' },
    port: sandboxPort,
    readyPath: '/healthz',
  });
  // The sandbox starts without faults; clearing them says so explicitly.
  const faults = await fetch(`${sandbox.url}/admin/faults`, { method: 'DELETE' });
  if (faults.status !== 200) throw new Error(`the sandbox refused to clear its faults: ${faults.status}`);

  const runtime = await productionRuntimeEnv();
  const nodeOptions = [runtime.NODE_OPTIONS, process.env.BENCH_SERVICE_NODE_OPTIONS ?? ''].join(' ').trim();
  const port = await freePort();
  const diagnosticsPort = await freePort();
  const service = await group.start({
    name: 'ordersvc',
    script: join(PROJECT_ROOT, 'cmd/server/main.ts'),
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DIAGNOSTICS_PORT: String(diagnosticsPort),
      // A free port rather than 9090, so that two bench runs (or a dev server) do not clash.
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(extras.grpcPort),
      // The run's own stream and subjects on a shared NATS; dropped at the end.
      ...(extras.nats ? { NATS_URL: extras.nats.url, NATS_STREAM: extras.nats.stream, NATS_SUBJECT_PREFIX: extras.nats.subjectPrefix } : {}),
      DATABASE_URL: databaseUrl,
      PAYMENT_GATEWAY_URL: sandbox.url,
      ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {}),
      ...RAISED_LIMITS,
      // Production's heap and allocator settings; BENCH_SERVICE_NODE_OPTIONS adds e.g.
      // "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the service under the bench's load.
      ...runtime,
      NODE_OPTIONS: nodeOptions,
    },
    port,
    readyPath: '/readyz',
    readyTimeoutMs: 120_000,
  });
  return { service, sandbox, diagnosticsUrl: `http://127.0.0.1:${diagnosticsPort}`, runtimeEnv: { ...runtime, NODE_OPTIONS: nodeOptions } };
}
