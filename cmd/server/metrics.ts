import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { JobQueueEvents } from '../../internal/adapter/jobs/pg-boss-job-queue.ts';
import type { HttpPaymentGateway } from '../../internal/adapter/payment/http-payment-gateway.ts';
import type { PaymentGatewayEvents } from '../../internal/adapter/payment/http-payment-gateway.options.ts';
import type { QueryObserver } from '../../internal/adapter/postgres/database.ts';
import type { QueueDepth } from '../../internal/domain/jobs/job.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startHttpServer, type RunningHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { CacheCounts } from '../../internal/platform/metrics/cache-metrics.ts';
import { ServiceMetrics, type MetricsPage } from '../../internal/platform/metrics/service-metrics.ts';
import type { GrpcMetricsHooks } from '../../internal/platform/metrics/rpc-metrics.ts';
import type { ScheduleCounts } from '../../internal/platform/metrics/schedule-metrics.ts';
import type { EventMetrics } from '../../internal/platform/metrics/event-metrics.ts';
import type { ConfigReloadCounts } from '../../internal/platform/metrics/config-metrics.ts';
import type { StreamCounts } from '../../internal/platform/metrics/stream-metrics.ts';
import type { BulkheadLoad } from '../../internal/platform/metrics/resilience-metrics.ts';
import type { OverdueOrders } from '../../internal/domain/order/overdue-orders.ts';
import { METRICS_PATH, type HttpMetricsHooks } from '../../internal/transport/http/metrics/metrics.middleware.ts';

/** What the metrics read at scrape time. */
export interface MetricSources {
  readonly pool: pg.Pool;
  readonly caches: { readonly users: { stats(): CacheCounts }; readonly products: { stats(): CacheCounts } };
  readonly payments: HttpPaymentGateway;
  readonly queueDepths: (ctx: Context) => Promise<QueueDepth[]>;
  readonly schedules: () => readonly ScheduleCounts[];
  readonly streams: () => StreamCounts;
  readonly passwordHasher: { readonly load: BulkheadLoad };
  readonly overdueOrders: OverdueOrders;
  readonly config?: () => ConfigReloadCounts;
}

/** The service's metrics, wired to the adapters' hooks; undefined when METRICS_ENABLED=false. */
export interface WiredMetrics {
  /** For the pool: statement durations by query name. */
  readonly onQuery: QueryObserver;
  readonly paymentEvents: PaymentGatewayEvents;
  readonly jobEvents: JobQueueEvents;
  /** For CheckReadiness: the outcome of every readiness check. */
  readonly readinessChecked: (ready: boolean) => void;
  /** For `buildApp`: request metrics, and `GET /metrics` unless they have a port of their own. */
  readonly http: HttpMetricsHooks;
  /** For the gRPC server: one sample per call, and each stalled stream it resets. */
  readonly rpc: GrpcMetricsHooks;
  /** The integration events' counters and the outbox lag. */
  readonly events: EventMetrics;
  /** Registers what is read at scrape time (call once everything exists). */
  watch(sources: MetricSources): void;
  /** Starts the metrics' own listener when METRICS_PORT is set (undefined otherwise). */
  listen(): Promise<RunningHttpServer | undefined>;
  scrape(): Promise<MetricsPage>;
}

// Queue depths are counted in the jobs table: at most one count per this interval, whatever the scrape rate.
const QUEUE_DEPTH_MAX_AGE_MS = 5_000;
const QUEUE_DEPTH_TIMEOUT_MS = 2_000;
// A failing source is worth a warning per outage, not one per scrape.
const SOURCE_WARN_INTERVAL_MS = 60_000;

export function createMetrics(config: AppConfig, logger: Logger): WiredMetrics | undefined {
  if (!config.metrics.enabled) return undefined;
  const log = logger.child({ component: 'metrics' });
  const warnedAt = new Map<string, number>();
  const metrics = new ServiceMetrics({
    onSourceError: (metric, error) => {
      const now = performance.now();
      if (now - (warnedAt.get(metric) ?? -Infinity) < SOURCE_WARN_INTERVAL_MS) return;
      warnedAt.set(metric, now);
      log.warn({ metric, error: error instanceof Error ? error.message : String(error) }, 'a metric could not be read; left out of the scrape');
    },
  });
  const { resilience } = metrics;
  const ownPort = config.metrics.port !== 0;
  const scrape = () => metrics.scrape();

  return {
    onQuery: (event) => metrics.database.observeQuery(event.name, event.durationMs, event.error !== undefined, config.database.slowQueryMs),
    readinessChecked: metrics.readiness.checked,
    paymentEvents: {
      onRetry: ({ operation }) => resilience.retried('payment-gateway', operation),
      onBreakerStateChange: ({ from, to }) => resilience.breakerTransition('payment-gateway', from, to),
      onBulkheadReject: () => resilience.bulkheadRejected('payment-gateway'),
      onRateLimited: ({ source }) => resilience.rateLimited('payment-gateway', source === 'gateway' ? 'remote' : 'local'),
    },
    events: metrics.events,
    jobEvents: {
      onJobFinished: ({ queue, outcome, durationMs }) => metrics.jobs.jobFinished(queue, outcome, durationMs),
    },
    http: {
      observeRequest: metrics.http.observe,
      rateLimited: (limiter) => resilience.rateLimited(limiter, 'local'),
      scrape: ownPort ? undefined : scrape,
    },
    rpc: { observeCall: metrics.rpc.observe, streamReset: metrics.rpc.streamReset },
    watch(sources) {
      metrics.database.watchPool('main', () => sources.pool);
      metrics.caches.watch('users', () => sources.caches.users.stats());
      metrics.caches.watch('products', () => sources.caches.products.stats());
      resilience.watchBreaker('payment-gateway', () => sources.payments.stats().breaker);
      resilience.watchBulkhead('payment-gateway', () => sources.payments.stats());
      resilience.watchBulkhead('password-hasher', () => sources.passwordHasher.load);
      metrics.orders.watchOverduePending({
        read: () =>
          sources.overdueOrders.overduePending({ traceId: 'metrics', signal: AbortSignal.timeout(QUEUE_DEPTH_TIMEOUT_MS), log }, config.orders.recoverAfterMs),
        maxAgeMs: QUEUE_DEPTH_MAX_AGE_MS,
      });
      metrics.jobs.watchDepths({
        read: () => sources.queueDepths({ traceId: 'metrics', signal: AbortSignal.timeout(QUEUE_DEPTH_TIMEOUT_MS), log }),
        maxAgeMs: QUEUE_DEPTH_MAX_AGE_MS,
        timeoutMs: QUEUE_DEPTH_TIMEOUT_MS,
      });
      metrics.schedules.watch(sources.schedules);
      metrics.streams.watch(sources.streams);
      if (sources.config) metrics.config.watch(sources.config);
    },
    async listen() {
      if (!ownPort) return undefined;
      const server = await startHttpServer((req, res) => serveScrape(req, res, scrape, log), { ...config.http, port: config.metrics.port });
      log.info({ port: server.port }, 'metrics listening on a port of their own');
      return server;
    },
    scrape,
  };
}

/** The metrics' own listener: `GET /metrics` and nothing else. */
function serveScrape(req: IncomingMessage, res: ServerResponse, scrape: () => Promise<MetricsPage>, log: Logger): void {
  const path = (req.url ?? '').split('?', 1)[0];
  if (path !== METRICS_PATH) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found; the metrics are at ${METRICS_PATH}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  scrape().then(
    (page) => {
      res.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : page.body);
    },
    (error: unknown) => {
      log.error({ err: error }, 'metrics could not be collected');
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n');
    },
  );
}
