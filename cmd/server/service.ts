import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { v7 as uuidv7 } from 'uuid';
import { CachedStockReservations } from '../../internal/adapter/cache/cached-stock-reservations.ts';
import { PostgresIdempotencyStore } from '../../internal/adapter/postgres/postgres-idempotency-store.ts';
import { PostgresOverdueOrders } from '../../internal/adapter/postgres/postgres-overdue-orders.ts';
import { PostgresOrderRepository } from '../../internal/adapter/postgres/postgres-order-repository.ts';
import { PostgresProductCatalog } from '../../internal/adapter/postgres/postgres-product-catalog.ts';
import { PostgresStockReservations } from '../../internal/adapter/postgres/postgres-stock-reservations.ts';
import { CancelOrder } from '../../internal/app/orders/cancel-order.use-case.ts';
import { GetOrder } from '../../internal/app/orders/get-order.use-case.ts';
import { ListOrders } from '../../internal/app/orders/list-orders.use-case.ts';
import { PlaceOrder } from '../../internal/app/orders/place-order.use-case.ts';
import { OrderFollowUpJobs } from '../../internal/app/orders/order-follow-up-jobs.ts';
import { RecoverPendingOrders } from '../../internal/app/orders/recover-pending-orders.use-case.ts';
import { openPaymentGateway } from '../shared/payment-gateway.ts';
import { CachedProductRepository } from '../../internal/adapter/cache/cached-product-repository.ts';
import { CachedUserRepository } from '../../internal/adapter/cache/cached-user-repository.ts';

import { Argon2PasswordHasher } from '../../internal/adapter/crypto/argon2-password-hasher.ts';
import type { QueryObserver } from '../../internal/adapter/postgres/database.ts';
import { PostgresCredentialsRepository } from '../../internal/adapter/postgres/postgres-credentials-repository.ts';
import { PostgresProbe } from '../../internal/adapter/postgres/postgres-probe.ts';
import { PostgresProductRepository } from '../../internal/adapter/postgres/postgres-product-repository.ts';
import { PostgresUserRepository } from '../../internal/adapter/postgres/postgres-user-repository.ts';
import { RedisProbe } from '../../internal/adapter/redis/redis-probe.ts';
import { RedisRateLimitStore } from '../../internal/adapter/redis/redis-rate-limit-store.ts';
import { BatchedRateLimitStore } from '../../internal/adapter/redis/batched-rate-limit-store.ts';
import { Authenticate } from '../../internal/app/auth/authenticate.use-case.ts';
import { GetCurrentUser } from '../../internal/app/auth/get-current-user.use-case.ts';
import { Login } from '../../internal/app/auth/login.use-case.ts';
import { Logout } from '../../internal/app/auth/logout.use-case.ts';
import { Register } from '../../internal/app/auth/register.use-case.ts';
import { ChangePassword } from '../../internal/app/auth/change-password.use-case.ts';
import { IssuePasswordReset } from '../../internal/app/auth/issue-password-reset.use-case.ts';
import { RedeemPasswordReset } from '../../internal/app/auth/redeem-password-reset.use-case.ts';
import { PostgresPasswordResetTokens } from '../../internal/adapter/postgres/postgres-password-reset-tokens.ts';
import { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import { CreateProduct } from '../../internal/app/products/create-product.use-case.ts';
import { GetProduct } from '../../internal/app/products/get-product.use-case.ts';
import { ListProducts } from '../../internal/app/products/list-products.use-case.ts';
import { UpdateProduct } from '../../internal/app/products/update-product.use-case.ts';
import { CreateUser } from '../../internal/app/users/create-user.use-case.ts';
import { DeleteUser } from '../../internal/app/users/delete-user.use-case.ts';
import { GetUser } from '../../internal/app/users/get-user.use-case.ts';
import { ListUsers } from '../../internal/app/users/list-users.use-case.ts';
import { UpdateUser } from '../../internal/app/users/update-user.use-case.ts';
import { sessionLifetime } from '../../internal/domain/identity/session.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import { startInBackground, type BackgroundStart } from '../../internal/platform/lifecycle/start-in-background.ts';
import { Shutdown } from '../../internal/platform/lifecycle/shutdown.ts';
import { Components } from '../../internal/platform/lifecycle/component.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { buildApp } from '../../internal/transport/http/app.ts';
import { bootstrapAdmin } from '../shared/bootstrap-admin.ts';
import { openDatabase } from '../shared/database.ts';
import { API_SPEC_PATH } from '../shared/project-paths.ts';
import { openRedis } from '../shared/redis.ts';
import { createCaches } from './caches.ts';
import { createFlags } from './flags.ts';
import { createSchedules } from './schedules.ts';
import { createJobs } from './jobs.ts';
import { createEvents } from './events.ts';
import { OrderRecoveryJobs } from '../../internal/app/jobs/order-recovery.job.ts';
import { startActivity, type RunningActivity } from './activity.ts';
import { createSessions, sessionStoreSettings } from '../shared/session-store.ts';
import { startIdentitySync } from './identity-sync.ts';
import { checkDiagnosticsSettings, startDiagnostics, type RunningDiagnostics } from './diagnostics.ts';
import { createMetrics } from './metrics.ts';
import { createConfigReload } from './config-reload.ts';
import { openCursorSeal } from './cursor-seal.ts';
import { createSignInThrottle } from './sign-in-throttle.ts';
import { startServiceTracing } from './tracing.ts';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { combineQueryObservers } from '../../internal/adapter/postgres/database.ts';
import type { RunningHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import { MemoryStore } from 'express-rate-limit';
import { startGrpc } from './grpc.ts';

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

/** Wires every adapter into the use-cases and starts serving; stop with `shutdown`. */
export interface ServiceOptions {
  /** Sees every SQL statement the service runs (tests count queries with it). */
  readonly onQuery?: QueryObserver;
  /** Tests: with tracing enabled, spans go to this exporter instead of the OTLP collector. */
  readonly spanExporter?: SpanExporter;
  /** The environment `config` was loaded from; a reload (SIGHUP, CONFIG_FILE) reads it again. Default: process.env. */
  readonly configEnv?: NodeJS.ProcessEnv;
}

export async function startService(config: AppConfig, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  // Before anything starts: a diagnostics listener open to the network without a token is refused.
  checkDiagnosticsSettings(config);
  const shutdown = new Shutdown(logger);
  const reload = createConfigReload(config, logger, options.configEnv ?? process.env);
  const metrics = createMetrics(config, logger);
  const tracing = startServiceTracing(config, logger, { exporter: options.spanExporter });
  const onQuery = combineQueryObservers(options.onQuery, metrics?.onQuery, tracing.onQuery);
  const database = await openDatabase(config, logger, { ...(onQuery ? { onQuery } : {}), slowQueryMs: () => reload.current.database.slowQueryMs }).catch(async (error: unknown) => {
    await tracing.shutdown();
    throw error;
  });
  // Every part with a lifetime is a component: started in order, stopped in reverse by one loop,
  // on shutdown and on a failed start alike. The stop order is the reverse of the order below.
  const components = new Components(logger);
  await components.start({ name: 'tracing', stop: () => tracing.shutdown() });
  await components.start({ name: 'database', stop: () => database.shutdown() });
  try {
    const redis = await openRedis(config, logger);
    tracing.redis(redis);
    await components.start({
      name: 'redis',
      stop: async () => {
        if (redis?.status === 'ready') await redis.quit();
        else redis?.disconnect();
      },
    });
    let apiRateLimit: BatchedRateLimitStore | undefined;
    await components.start({ name: 'rate-limit counts', stop: () => apiRateLimit?.close() });
    const flagSettings = createFlags(config, logger, database);
    reload.attach({ pool: database.pool, flags: flagSettings });
    const caches = createCaches(config, logger, redis, flagSettings.cacheBypassed);
    await components.start({ name: 'caches', stop: () => Promise.all([caches.users.close(), caches.products.close()]) });
    // Integration events: written in the changes' transactions, relayed to NATS or the in-process consumers.
    const events = createEvents(config, logger, database, { metrics: metrics?.events, newId: uuidv7 });
    const pgUsers = new PostgresUserRepository(database.db, events.outbox);
    const users = new CachedUserRepository(pgUsers, caches.users);
    const products = new CachedProductRepository(new PostgresProductRepository(database.db, events.outbox), caches.products);
    const credentials = new PostgresCredentialsRepository(database.db, events.outbox);
    const sessionStore = createSessions(sessionStoreSettings(config), database.db, redis);
    const sessions = sessionStore.store;
    // Role changes and ended sessions reach every replica's caches at once.
    const identitySync = await startIdentitySync(config, logger, database, { evictSessions: sessionStore.evictUser, refreshUser: (ctx, id) => users.refresh(ctx, id) });
    await components.start({ name: 'identity sync', stop: () => identitySync.stop() });
    const payments = await openPaymentGateway(config, logger, redis, metrics?.paymentEvents, database.pool);
    await components.start({ name: 'payment gateway', stop: () => payments.close() });
    // Built before the repositories that enqueue in their transactions (jobQueue.enqueueInTransaction); started below.
    const cursorSeal = await openCursorSeal(config, logger, database);
    await components.start({ name: 'cursor signing key', stop: () => cursorSeal.stop() });
    const cursors = cursorSeal.seal;
    const jobQueue = createJobs(config, logger, database, cursors, metrics?.jobEvents);
    // An order's follow-ups (the confirmation of a paid one, its integration events) are written by the statement of its change: both or neither.
    const followUps = new OrderFollowUpJobs({ enqueueInTransaction: jobQueue.enqueueInStatement }, events.outbox.inStatement);
    const orderRepository = new PostgresOrderRepository(database.db, { statementFollowUps: followUps, outbox: events.outbox });
    const reservations = new CachedStockReservations(new PostgresStockReservations(database.db), caches.products);
    const recovery = tracing.useCase(new RecoverPendingOrders(orderRepository, reservations, payments.gateway, { olderThanMs: config.orders.recoverAfterMs, batchSize: 50 }));
    const schedules = createSchedules({ config, logger, database, recovery });
    // Stopped late: scheduled runs in progress get the grace period, alongside the HTTP drain.
    await components.start({ name: 'scheduled runs', stop: () => schedules.stop(config.shutdown.graceMs) });
    const hasher = new Argon2PasswordHasher({ maxConcurrent: config.auth.hashConcurrency, maxQueued: config.auth.hashQueue });
    const signInThrottle = createSignInThrottle(config, logger, database, redis);
    const passwordResets = new PostgresPasswordResetTokens(database.db);
    const lifetime = sessionLifetime(config.auth.sessionIdleTtlMs, config.auth.sessionAbsoluteTtlMs);

    await bootstrapAdmin(config, logger, { users, credentials, hasher, sessions });
    const rateLimitRedisError = oncePer(30_000, (error: Error) => logger.warn({ error: error.message }, 'rate limits counted per instance while Redis is unavailable'));

    const flags = await flagSettings.start();
    await components.start({ name: 'feature flags', stop: () => flags.stop() });
    flags.pauseQueues(jobQueue);
    // After the server stops: the relay publishes what the last requests committed.
    await components.start({ name: 'events', start: () => events.start(), stop: () => events.stop() });
    // The workers need the database; without it the service still starts (not ready) and they follow.
    // They stop after the server: requests in flight may still enqueue jobs until it has drained.
    const jobs: BackgroundStart = await startInBackground('job queue', () => jobQueue.start({ orders: orderRepository, recovery }), { log: logger });
    await components.start({ name: 'job workers', stop: () => jobs.stop() });
    const streams = await startActivity(config, logger, database, users, cursors);
    // Stopped by 'activity streams' below before the server drains; this one stops it when a later start fails.
    const stopStreams = once(() => streams.stop());
    await components.start({ name: 'activity feed', stop: stopStreams });
    const apiSpecText = await readFile(API_SPEC_PATH, 'utf8');
    // API hits far from the limit reach Redis in batches; every sign-in attempt does at once.
    if (redis && config.rateLimit.apiSyncIntervalMs > 0) {
      const shared = new RedisRateLimitStore(redis, `${config.redis.keyPrefix}rl:api:`, rateLimitRedisError);
      apiRateLimit = new BatchedRateLimitStore(shared, { syncIntervalMs: config.rateLimit.apiSyncIntervalMs });
    }
    const checkReadiness = new CheckReadiness(
      [new PostgresProbe(database.db), ...(redis ? [new RedisProbe(redis)] : []), ...(events.probe ? [events.probe] : [])],
      config.database.readyTimeoutMs,
      () => shutdown.inProgress,
      metrics?.readinessChecked,
    );
    // REST and gRPC count one budget per caller: the same counters (in-process without Redis).
    const rateLimitStores = redis
      ? {
          api: apiRateLimit ?? new RedisRateLimitStore(redis, `${config.redis.keyPrefix}rl:api:`, rateLimitRedisError),
          auth: new RedisRateLimitStore(redis, `${config.redis.keyPrefix}rl:auth:`, rateLimitRedisError),
        }
      : { api: new MemoryStore(), auth: new MemoryStore() };
    const appDeps = tracing.useCases({
      logger,
      tracing: tracing.http,
      http: { ...config.http, corsOrigins: () => reload.current.http.corsOrigins },
      rateLimit: {
        ...config.rateLimit,
        apiPerWindow: () => reload.current.rateLimit.apiPerWindow,
        authPerWindow: () => reload.current.rateLimit.authPerWindow,
        stores: rateLimitStores,
      },
      apiSpec: parseYaml(apiSpecText) as object,
      apiSpecText,
      authenticate: new Authenticate(sessions),
      auth: {
        register: new Register(credentials, hasher, uuidv7),
        // Sessions take their roles from this read: never from a cache.
        login: new Login(credentials, pgUsers, hasher, sessions, signInThrottle, lifetime),
        logout: new Logout(sessions),
        getCurrentUser: new GetCurrentUser(users),
        changePassword: new ChangePassword(credentials, pgUsers, hasher, sessions, signInThrottle, lifetime),
        redeemPasswordReset: new RedeemPasswordReset(passwordResets, pgUsers, credentials, hasher, sessions),
      },
      users: {
        createUser: new CreateUser(users, uuidv7),
        getUser: new GetUser(users),
        listUsers: new ListUsers(users, cursors),
        updateUser: new UpdateUser(users, sessions),
        deleteUser: new DeleteUser(users, sessions),
        issuePasswordReset: new IssuePasswordReset(users, passwordResets, config.auth.passwordResetTtlMs),
      },
      products: {
        createProduct: new CreateProduct(products, uuidv7),
        getProduct: new GetProduct(products),
        listProducts: new ListProducts(products, cursors),
        updateProduct: new UpdateProduct(products),
      },
      orders: {
        placeOrder: tracing.useCase(
          new PlaceOrder(
            {
              orders: orderRepository,
              catalog: new PostgresProductCatalog(database.db),
              reservations,
              gateway: payments.gateway,
              idempotency: new PostgresIdempotencyStore(database.db),
              recovery: new OrderRecoveryJobs(jobQueue.queue, config.orders.recoverAfterMs),
              flags: flags.flags,
            },
            {
              newId: uuidv7,
              ttlMs: config.orders.idempotencyTtlMs,
              staleAfterMs: config.orders.recoverAfterMs,
              settleTimeoutMs: config.orders.settleTimeoutMs,
              pausedRetryAfterMs: config.flags.pausedRetryAfterSeconds * 1000,
              canaryPromotion: { thresholdMinor: config.release.promotionThresholdMinor, percentOffBasisPoints: config.release.promotionBasisPoints },
            },
          ),
        ),
        getOrder: new GetOrder(orderRepository),
        listOrders: new ListOrders(orderRepository, cursors),
        cancelOrder: new CancelOrder(orderRepository, reservations, payments.gateway, { settleTimeoutMs: config.orders.settleTimeoutMs }),
      },
      activity: streams.useCases,
      flags: flags.useCases,
      release: flags.release,
      jobs: jobQueue.useCases,
      checkReadiness,
      schedules: schedules.useCases,
      productSales: events.useCases,
      isShuttingDown: () => shutdown.inProgress,
      metrics: metrics?.http,
    });
    const app = buildApp(appDeps);
    metrics?.watch({ pool: database.pool, caches, payments: payments.gateway, queueDepths: jobQueue.depths, schedules: schedules.status, streams: streams.stats, passwordHasher: hasher, overdueOrders: new PostgresOverdueOrders(database.db), config: () => reload.counts() });
    const diagnostics: RunningDiagnostics | undefined = await startDiagnostics(config, logger, {
      app,
      checkReadiness,
      pool: database.pool,
      getQueueDepths: jobQueue.useCases.getQueueDepths,
      listSchedules: schedules.useCases.listSchedules,
      breakers: () => {
        const stats = payments.gateway.stats();
        return { payment_gateway: { state: stats.breaker, running: stats.running, queued: stats.queued } };
      },
      activity: streams.stats,
      config: () => reload.status(),
    });
    await components.start({ name: 'diagnostics listener', stop: () => diagnostics?.stop(config.shutdown.graceMs) });
    // Scrapes go on while the API drains.
    const metricsListener: RunningHttpServer | undefined = await metrics?.listen();
    await components.start({ name: 'metrics listener', stop: () => metricsListener?.stop(config.shutdown.graceMs) });
    const http = await startHttpServer(app, config.http);
    await components.start({
      name: 'http server',
      stop: async () => {
        const { forced } = await http.stop(config.shutdown.graceMs);
        if (forced) logger.warn({ graceMs: config.shutdown.graceMs }, 'grace period over; open connections were cut');
      },
    });
    const grpc = await startGrpc(config, logger, { ...appDeps, rateLimitStores }, checkReadiness, metrics?.rpc.observeCall);
    await components.start({
      name: 'grpc server',
      stop: async () => {
        const stopped = await grpc?.stop(config.shutdown.graceMs);
        if (stopped?.forced) logger.warn({ graceMs: config.shutdown.graceMs }, 'grace period over; open gRPC calls were cut');
      },
    });
    // Streams never end by themselves: end them before the server drains (clients resume elsewhere), or the drain would wait out the grace period.
    await components.start({ name: 'activity streams', stop: stopStreams });
    // Readiness already answers 503 once shutdown starts; the drain delay gives load balancers time to notice before the listener closes.
    await components.start({ name: 'drain delay', stop: () => new Promise((resolve) => setTimeout(resolve, config.shutdown.drainDelayMs)) });
    // Before the drain delay: gRPC health answers NOT_SERVING, as /readyz answers 503.
    await components.start({ name: 'grpc health', stop: () => grpc?.stopServing() });
    // Scheduled work (orders left pending by a crash are also settled at once); on shutdown no new runs start.
    await components.start({
      name: 'schedules',
      start: () => schedules.start(),
      stop: () => {
        void schedules.stop(config.shutdown.graceMs);
      },
    });
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

/** `fn` run on the first call only; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/** Calls `fn` at most once per interval (a log line per outage, not per request). */
function oncePer<A extends unknown[]>(intervalMs: number, fn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args) => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    fn(...args);
  };
}
