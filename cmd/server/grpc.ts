import type { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { GrpcMetricsHooks } from '../../internal/platform/metrics/rpc-metrics.ts';
import { startGrpcServer, type RunningGrpcServer } from '../../internal/transport/grpc/grpc-server.ts';
import type { HitCounter } from '../../internal/transport/grpc/rate-limit.ts';
import type { AppDeps } from '../../internal/transport/http/app.ts';

export interface RunningGrpc {
  readonly server: RunningGrpcServer;
  /** Health says NOT_SERVING from now on (the first step of shutdown). */
  readonly stopServing: () => void;
  readonly stop: (graceMs: number) => Promise<{ forced: boolean }>;
}

// How often health follows readiness (the database and Redis probes).
const HEALTH_INTERVAL_MS = 2_000;

/**
 * The gRPC server over the very use-cases, session check, release channel and
 * rate-limit counters REST serves with (`deps` is what `buildApp` got).
 * Health is SERVING while the service is ready; undefined when GRPC_ENABLED=false.
 */
export async function startGrpc(
  config: AppConfig,
  logger: Logger,
  deps: AppDeps & { readonly rateLimitStores: { readonly api: HitCounter; readonly auth: HitCounter } },
  checkReadiness: CheckReadiness,
  rpcMetrics: GrpcMetricsHooks | undefined,
): Promise<RunningGrpc | undefined> {
  if (!config.grpc.enabled) return undefined;
  const log = logger.child({ component: 'grpc' });
  const server = await startGrpcServer({
    settings: { ...config.grpc, budgetMs: config.http.requestBudgetMs },
    logger,
    authenticate: deps.authenticate,
    release: deps.release,
    rateLimit: { ...deps.rateLimit, stores: deps.rateLimitStores, onLimited: deps.metrics?.rateLimited },
    users: deps.users,
    auth: deps.auth,
    products: deps.products,
    orders: deps.orders,
    activity: deps.activity,
    observeCall: rpcMetrics?.observeCall,
    onStreamReset: rpcMetrics?.streamReset,
  });
  let serving = true;
  const follow = async () => {
    const { status } = await checkReadiness.execute().catch(() => ({ status: 'not_ready' as const }));
    server.setServing(serving && status === 'ready');
  };
  await follow();
  const timer = setInterval(() => void follow(), HEALTH_INTERVAL_MS);
  timer.unref();
  log.info({ port: server.port, tls: server.tls }, 'gRPC listening');
  return {
    server,
    stopServing: () => {
      serving = false;
      clearInterval(timer);
      server.setServing(false);
    },
    stop: (graceMs) => {
      clearInterval(timer);
      return server.stop(graceMs);
    },
  };
}
