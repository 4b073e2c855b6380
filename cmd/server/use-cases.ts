import { v7 as uuidv7 } from 'uuid';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { PostgresIdempotencyStore } from '../../internal/adapter/postgres/postgres-idempotency-store.ts';
import { PostgresProductCatalog } from '../../internal/adapter/postgres/postgres-product-catalog.ts';
import { Authenticate } from '../../internal/app/auth/authenticate.use-case.ts';
import { ChangePassword } from '../../internal/app/auth/change-password.use-case.ts';
import { GetCurrentUser } from '../../internal/app/auth/get-current-user.use-case.ts';
import { IssuePasswordReset } from '../../internal/app/auth/issue-password-reset.use-case.ts';
import { Login } from '../../internal/app/auth/login.use-case.ts';
import { Logout } from '../../internal/app/auth/logout.use-case.ts';
import { RedeemPasswordReset } from '../../internal/app/auth/redeem-password-reset.use-case.ts';
import { Register } from '../../internal/app/auth/register.use-case.ts';
import type { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import { CancelOrder } from '../../internal/app/orders/cancel-order.use-case.ts';
import { GetOrder } from '../../internal/app/orders/get-order.use-case.ts';
import { ListOrders } from '../../internal/app/orders/list-orders.use-case.ts';
import { PlaceOrder } from '../../internal/app/orders/place-order.use-case.ts';
import { OrderRecoveryJobs } from '../../internal/app/jobs/order-recovery.job.ts';
import { CreateProduct } from '../../internal/app/products/create-product.use-case.ts';
import { GetProduct } from '../../internal/app/products/get-product.use-case.ts';
import { ListProducts } from '../../internal/app/products/list-products.use-case.ts';
import { UpdateProduct } from '../../internal/app/products/update-product.use-case.ts';
import { CreateUser } from '../../internal/app/users/create-user.use-case.ts';
import { DeleteUser } from '../../internal/app/users/delete-user.use-case.ts';
import { GetUser } from '../../internal/app/users/get-user.use-case.ts';
import { ListUsers } from '../../internal/app/users/list-users.use-case.ts';
import { UpdateUser } from '../../internal/app/users/update-user.use-case.ts';
import type { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';
import { sessionLifetime } from '../../internal/domain/identity/session.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { AppDeps } from '../../internal/transport/http/app.ts';
import type { OpenedPaymentGateway } from '../shared/payment-gateway.ts';
import type { RunningActivity } from './activity.ts';
import type { createIdentityAndCatalog, createOrderStores, RateLimitStores } from './adapters.ts';
import type { ConfigReload } from './config-reload.ts';
import type { EventsComponent } from './events.ts';
import type { StartedFlags } from './flags.ts';
import type { Jobs } from './jobs.ts';
import type { WiredMetrics } from './metrics.ts';
import type { Schedules } from './schedules.ts';
import type { ServiceTracing } from './tracing.ts';

/** What the use-cases are built from: the ports' adapters and the running parts whose use-cases the transports serve. */
export interface UseCaseSources {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly reload: ConfigReload;
  readonly tracing: ServiceTracing;
  readonly metrics: WiredMetrics | undefined;
  readonly apiSpecText: string;
  readonly apiSpec: object;
  readonly database: DatabaseHandle;
  readonly stores: ReturnType<typeof createIdentityAndCatalog>;
  readonly orderStores: ReturnType<typeof createOrderStores>;
  readonly payments: OpenedPaymentGateway;
  readonly cursors: CursorSeal;
  readonly jobQueue: Jobs;
  readonly flags: StartedFlags;
  readonly streams: RunningActivity;
  readonly schedules: Schedules;
  readonly events: EventsComponent;
  readonly rateLimitStores: RateLimitStores;
  readonly checkReadiness: CheckReadiness;
  readonly isShuttingDown: () => boolean;
}

/** Every use-case the HTTP and gRPC transports serve, each built from its ports (traced when tracing is on). */
export function buildUseCases(sources: UseCaseSources): AppDeps {
  const { config, reload, tracing, stores, orderStores, payments, cursors, jobQueue, flags } = sources;
  const { users, pgUsers, products, credentials, hasher, signInThrottle, passwordResets } = stores;
  const sessions = stores.sessions.store;
  const lifetime = sessionLifetime(config.auth.sessionIdleTtlMs, config.auth.sessionAbsoluteTtlMs);
  return tracing.useCases({
    logger: sources.logger,
    tracing: tracing.http,
    http: { ...config.http, corsOrigins: () => reload.current.http.corsOrigins },
    rateLimit: {
      ...config.rateLimit,
      apiPerWindow: () => reload.current.rateLimit.apiPerWindow,
      authPerWindow: () => reload.current.rateLimit.authPerWindow,
      stores: sources.rateLimitStores,
    },
    apiSpec: sources.apiSpec,
    apiSpecText: sources.apiSpecText,
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
            orders: orderStores.orders,
            catalog: new PostgresProductCatalog(sources.database.db),
            reservations: orderStores.reservations,
            gateway: payments.gateway,
            idempotency: new PostgresIdempotencyStore(sources.database.db),
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
      getOrder: new GetOrder(orderStores.orders),
      listOrders: new ListOrders(orderStores.orders, cursors),
      cancelOrder: new CancelOrder(orderStores.orders, orderStores.reservations, payments.gateway, { settleTimeoutMs: config.orders.settleTimeoutMs }),
    },
    activity: sources.streams.useCases,
    flags: flags.useCases,
    release: flags.release,
    jobs: jobQueue.useCases,
    checkReadiness: sources.checkReadiness,
    schedules: sources.schedules.useCases,
    productSales: sources.events.useCases,
    isShuttingDown: sources.isShuttingDown,
    metrics: sources.metrics?.http,
  });
}
