import { readFile } from 'node:fs/promises';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { parse as parseYaml } from 'yaml';
import type { QueryObserver } from '../../internal/adapter/postgres/database.ts';
import { combineQueryObservers } from '../../internal/adapter/postgres/database.ts';
import { PostgresOverdueOrders } from '../../internal/adapter/postgres/postgres-overdue-orders.ts';
import { PostgresProbe } from '../../internal/adapter/postgres/postgres-probe.ts';
import { RedisProbe } from '../../internal/adapter/redis/redis-probe.ts';
import { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import { RecoverPendingOrders } from '../../internal/app/orders/recover-pending-orders.use-case.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { Components } from '../../internal/platform/lifecycle/component.ts';
import { startHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import { Shutdown } from '../../internal/platform/lifecycle/shutdown.ts';
import { startInBackground } from '../../internal/platform/lifecycle/start-in-background.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { buildApp } from '../../internal/transport/http/app.ts';
import { bootstrapAdmin } from '../shared/bootstrap-admin.ts';
import { openDatabase } from '../shared/database.ts';
import { openPaymentGateway, type OpenedPaymentGateway } from '../shared/payment-gateway.ts';
import { API_SPEC_PATH } from '../shared/project-paths.ts';
import { openRedis } from '../shared/redis.ts';
import { startActivity, type RunningActivity } from './activity.ts';
import { chooseAdapters } from './adapter-choices.ts';
import { createIdentityAndCatalog, createOrderStores, createRateLimits } from './adapters.ts';
import { createCaches } from './caches.ts';
import { createConfigReload } from './config-reload.ts';
import { openCursorSeal } from './cursor-seal.ts';
import { checkDiagnosticsSettings, startDiagnostics } from './diagnostics.ts';
import { createEvents } from './events.ts';
import { createFlags } from './flags.ts';
import { startGrpc } from './grpc.ts';
import { startIdentitySync } from './identity-sync.ts';
import { createJobs } from './jobs.ts';
import { createMetrics } from './metrics.ts';
import { createSchedules } from './schedules.ts';
import { startServiceTracing } from './tracing.ts';
import { buildUseCases } from './use-cases.ts';

export interface RunningService {
  readonly port: number;
  readonly embeddedDatabase: boolean;
  readonly shutdown: Shutdown;
  /** The activity hub's subscribers and buffered events (tests watch memory with it). */
  readonly activityStats: RunningActivity['stats'];
  /** The diagnostics listener's port; undefined when it is disabled. */
  readonly diagnosticsPort: number | undefined;
  /** The port serving `GET /metrics` (the main one unless METRICS_PORT is set); undefined when metrics are off. */
  readonly metricsPort: number | undefined;
  /** The gRPC port; undefined when GRPC_ENABLED=false. */
  readonly grpcPort: number | undefined;
}

export interface ServiceOptions {
  /** Sees every SQL statement the service runs (tests count queries with it). */
  readonly onQuery?: QueryObserver;
  /** Tests: with tracing enabled, spans go to this exporter instead of the OTLP collector. */
  readonly spanExporter?: SpanExporter;
  /** The environment `config` was loaded from; a reload (SIGHUP, CONFIG_FILE) reads it again. Default: process.env. */
  readonly configEnv?: NodeJS.ProcessEnv;
}

/**
 * Wires the service and starts serving; stop with `shutdown`. Which adapter
 * implements each port is decided in adapter-choices.ts, the adapters are
 * built in adapters.ts, the use-cases in use-cases.ts; what is here is the
 * list of components, in start order.
 */
export async function startService(config: AppConfig, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  // Before anything starts: a diagnostics listener open to the network without a token is refused.
  checkDiagnosticsSettings(config);
  const choices = chooseAdapters(config);
  logger.info({ adapters: choices }, 'adapters chosen');
  const shutdown = new Shutdown(logger);
  const reload = createConfigReload(config, logger, options.configEnv ?? process.env);
  const metrics = createMetrics(config, logger);
  const tracing = startServiceTracing(config, logger, { exporter: options.spanExporter });
  const onQuery = combineQueryObservers(options.onQuery, metrics?.onQuery, tracing.onQuery);
  // Every part with a lifetime is a component: started in order, stopped in reverse by one loop,
  // on shutdown and on a failed start alike. The stop order is the reverse of the order below.
  const components = new Components(logger);
  await components.start({ name: 'tracing', stop: () => tracing.shutdown() });
  try {
    const database = await openDatabase(config, logger, { ...(onQuery ? { onQuery } : {}), slowQueryMs: () => reload.current.database.slowQueryMs });
    await components.start({ name: 'database', stop: () => database.shutdown() });
    const redis = await openRedis(config, logger);
    tracing.redis(redis);
    await components.start({ name: 'redis', stop: () => closeRedis(redis) });
    const rateLimits = createRateLimits(config, logger, choices, redis);
    await components.start(rateLimits.component);
    const flagSettings = createFlags(config, logger, database);
    reload.attach({ pool: database.pool, flags: flagSettings });
    const caches = createCaches(config, logger, choices.entityCache === 'in-process' ? undefined : redis, flagSettings.cacheBypassed);
    await components.start({ name: 'caches', stop: () => Promise.all([caches.users.close(), caches.products.close()]) });
    // Integration events: written in the changes' transactions, relayed to NATS or the in-process consumers.
    const events = createEvents(config, logger, database, { metrics: metrics?.events, newId: uuidv7 });
    const stores = createIdentityAndCatalog(config, logger, choices, database, redis, events.outbox, caches);
    // Role changes and ended sessions reach every replica's caches at once.
    const identitySync = await startIdentitySync(config, logger, database, { evictSessions: stores.sessions.evictUser, refreshUser: (ctx, id) => stores.users.refresh(ctx, id) });
    await components.start({ name: 'identity sync', stop: () => identitySync.stop() });
    const payments = await openPaymentGateway(config, logger, redis, metrics?.paymentEvents, database.pool);
    await components.start({ name: 'payment gateway', stop: () => payments.close() });
    const cursorSeal = await openCursorSeal(config, logger, database);
    await components.start({ name: 'cursor signing key', stop: () => cursorSeal.stop() });
    // Built before the repositories that enqueue in their transactions; its workers start below.
    const jobQueue = createJobs(config, logger, database, cursorSeal.seal, metrics?.jobEvents);
    const orderStores = createOrderStores(database, jobQueue, events.outbox, caches);
    const recovery = tracing.useCase(new RecoverPendingOrders(orderStores.orders, orderStores.reservations, payments.gateway, { olderThanMs: config.orders.recoverAfterMs, batchSize: 50 }));
    const schedules = createSchedules({ config, logger, database, recovery });
    // Stopped late: scheduled runs in progress get the grace period, alongside the HTTP drain.
    await components.start({ name: 'scheduled runs', stop: () => schedules.stop(config.shutdown.graceMs) });
    await bootstrapAdmin(config, logger, { users: stores.users, credentials: stores.credentials, hasher: stores.hasher, sessions: stores.sessions.store });
    const flags = await flagSettings.start();
    await components.start({ name: 'feature flags', stop: () => flags.stop() });
    flags.pauseQueues(jobQueue);
    // After the server stops: the relay publishes what the last requests committed.
    await components.start({ name: 'events', start: () => events.start(), stop: () => events.stop() });
    // The workers need the database; without it the service still starts (not ready) and they follow.
    // They stop after the server: requests in flight may still enqueue jobs until it has drained.
    const jobs = await startInBackground('job queue', () => jobQueue.start({ orders: orderStores.orders, recovery }), { log: logger });
    await components.start({ name: 'job workers', stop: () => jobs.stop() });
    const streams = await startActivity(config, logger, database, stores.users, cursorSeal.seal);
    // Ended by 'activity streams' below, before the server drains; this one ends them when a later start fails.
    const endStreams = once(() => streams.stop());
    await components.start({ name: 'activity feed', stop: endStreams });
    const apiSpecText = await readFile(API_SPEC_PATH, 'utf8');
    const readinessProbes = [new PostgresProbe(database.db), ...(redis ? [new RedisProbe(redis)] : []), ...(events.probe ? [events.probe] : [])];
    const checkReadiness = new CheckReadiness(readinessProbes, config.database.readyTimeoutMs, () => shutdown.inProgress, metrics?.readinessChecked);
    const useCases = buildUseCases({
      ...{ config, logger, reload, tracing, metrics, database, stores, orderStores, payments, jobQueue, flags, streams, schedules, events, checkReadiness },
      ...{ apiSpecText, apiSpec: parseYaml(apiSpecText) as object, cursors: cursorSeal.seal, rateLimitStores: rateLimits.stores, isShuttingDown: () => shutdown.inProgress },
    });
    const app = buildApp(useCases);
    metrics?.watch({ pool: database.pool, caches, payments: payments.gateway, queueDepths: jobQueue.depths, schedules: schedules.status, streams: streams.stats, passwordHasher: stores.hasher, overdueOrders: new PostgresOverdueOrders(database.db), config: () => reload.counts() });
    const diagnostics = await startDiagnostics(config, logger, {
      ...{ app, checkReadiness, pool: database.pool, getQueueDepths: jobQueue.useCases.getQueueDepths, listSchedules: schedules.useCases.listSchedules },
      ...{ breakers: () => breakerStats(payments), activity: streams.stats, config: () => reload.status() },
    });
    await components.start({ name: 'diagnostics listener', stop: () => diagnostics?.stop(config.shutdown.graceMs) });
    // Scrapes go on while the API drains.
    const metricsListener = await metrics?.listen();
    await components.start({ name: 'metrics listener', stop: () => metricsListener?.stop(config.shutdown.graceMs) });
    const http = await startHttpServer(app, config.http);
    await components.start({ name: 'http server', stop: () => drainWithin(config.shutdown.graceMs, logger, 'connections', () => http.stop(config.shutdown.graceMs)) });
    const grpc = await startGrpc(config, logger, { ...useCases, rateLimitStores: rateLimits.stores }, checkReadiness, metrics?.rpc);
    await components.start({ name: 'grpc server', stop: () => drainWithin(config.shutdown.graceMs, logger, 'gRPC calls', () => grpc?.stop(config.shutdown.graceMs)) });
    // Streams never end by themselves: end them before the server drains (clients resume elsewhere), or the drain would wait out the grace period.
    await components.start({ name: 'activity streams', stop: endStreams });
    // Readiness already answers 503 once shutdown starts; the drain delay gives load balancers time to notice before the listener closes.
    await components.start({ name: 'drain delay', stop: () => new Promise((resolve) => setTimeout(resolve, config.shutdown.drainDelayMs)) });
    // Before the drain delay: gRPC health answers NOT_SERVING, as /readyz answers 503.
    await components.start({ name: 'grpc health', stop: () => grpc?.stopServing() });
    // Scheduled work (orders left pending by a crash are also settled at once); on shutdown no new runs start
    // (those in progress are waited for by 'scheduled runs' above).
    await components.start({ name: 'schedules', start: () => schedules.start(), stop: () => void schedules.stop(config.shutdown.graceMs) });
    await components.start({ name: 'config reload', start: () => reload.start(), stop: () => reload.stop() });
    shutdown.add('components', async () => {
      if (!(await components.stop())) throw new Error('a component did not stop cleanly (see the log)');
    });

    return { port: http.port, embeddedDatabase: database.embedded, shutdown, activityStats: streams.stats, diagnosticsPort: diagnostics?.port, metricsPort: metrics ? (metricsListener?.port ?? http.port) : undefined, grpcPort: grpc?.server.port };
  } catch (error) {
    await components.stop();
    throw error;
  }
}

/** Closes the Redis client: politely when connected, at once when it is not (a quit would wait for a Redis that is down). */
async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (redis?.status === 'ready') await redis.quit();
  else redis?.disconnect();
}

/** Runs a server's drain and warns when the grace period ran out and open work was cut. */
async function drainWithin(graceMs: number, logger: Logger, what: string, drain: () => Promise<{ forced: boolean }> | undefined): Promise<void> {
  const stopped = await drain();
  if (stopped?.forced) logger.warn({ graceMs }, `grace period over; open ${what} were cut`);
}

/** The payment gateway's circuit breaker, as the diagnostics listener reports it. */
function breakerStats(payments: OpenedPaymentGateway) {
  const stats = payments.gateway.stats();
  return { payment_gateway: { state: stats.breaker, running: stats.running, queued: stats.queued } };
}

/** `fn` run on the first call only; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
