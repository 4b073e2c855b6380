import express, { type Express } from 'express';
import type { Store } from 'express-rate-limit';
import * as OpenApiValidator from 'express-openapi-validator';
import type { CheckReadiness } from '../../app/health/check-readiness.use-case.ts';
import type { Logger } from '../../platform/logger/logger.ts';
import type { HttpServerTracing } from '../../platform/tracing/http-server-spans.ts';
import { accessLog } from './access-log.ts';
import { activityRouter, type ActivityUseCases } from './activity/activity.routes.ts';
import { authRouter, type AuthUseCases } from './auth/auth.routes.ts';
import { authentication, type TokenAuthenticator } from './authentication.ts';
import { docsRouter } from './docs/docs.routes.ts';
import { errorHandler } from './error-handler.ts';
import { flagsRouter, type FlagUseCases } from './flags/flags.routes.ts';
import { releaseChannel, type ReleaseChannelSettings } from './flags/release-channel.ts';
import { healthRouter } from './health/health.routes.ts';
import { headRequests } from './head-requests.ts';
import { jobsRouter, type JobUseCases } from './jobs/jobs.routes.ts';
import { METRICS_PATH, metricsEndpoint, metricsNotHere, requestMetrics, type HttpMetricsHooks } from './metrics/metrics.middleware.ts';
import { ordersRouter, type OrderUseCases } from './orders/orders.routes.ts';
import { productsRouter, type ProductUseCases } from './products/products.routes.ts';
import { rateLimiter } from './rate-limit.ts';
import { schedulesRouter, type ScheduleUseCases } from './schedules/schedules.routes.ts';
import { productSalesRouter, type ProductSalesUseCases } from './events/product-sales.routes.ts';
import { requestContext } from './request-context.ts';
import { securityHeaders } from './security-headers.ts';
import { cacheValidatorRouteMatchers } from './openapi-route-cache.ts';
import { indexValidatorRoutes } from './openapi-route-index.ts';
import { chain } from './middleware-chain.ts';
import { assertUnambiguousRoutes } from './route-table.ts';
import { trustProxySetting } from './trust-proxy.ts';
import { usersRouter, type UserUseCases } from './users/users.routes.ts';
import { rejectInvalidUtf8 } from './utf8-body.ts';

export interface AppDeps {
  readonly logger: Logger;
  readonly http: {
    readonly bodyLimitBytes: number;
    readonly requestBudgetMs: number;
    readonly trustProxy: string;
    /** Comma-separated; a function is asked per request (the list may change while running). */
    readonly corsOrigins: string | (() => string);
  };
  readonly rateLimit: {
    readonly windowMs: number;
    /** Numbers, or functions asked per request (the limits may change while running). */
    readonly authPerWindow: number | (() => number);
    readonly apiPerWindow: number | (() => number);
    /** Shared counters (Redis) so limits hold across replicas; in-process without. */
    readonly stores?: { readonly api: Store; readonly auth: Store } | undefined;
  };
  /** The parsed `api/openapi.yaml`; every request is validated against it. */
  readonly apiSpec: object;
  readonly apiSpecText: string;
  readonly authenticate: TokenAuthenticator;
  readonly auth: AuthUseCases;
  readonly users: UserUseCases;
  readonly products: ProductUseCases;
  readonly orders: OrderUseCases;
  readonly jobs: JobUseCases;
  readonly schedules: ScheduleUseCases;
  /** The integration events' read models; the routes are absent without them. */
  readonly productSales?: ProductSalesUseCases | undefined;
  readonly activity: ActivityUseCases;
  readonly flags: FlagUseCases;
  /** Gray release: which variant of the use-cases serves each API request. */
  readonly release: ReleaseChannelSettings;
  readonly checkReadiness: CheckReadiness;
  /** While true, responses ask clients to close kept-alive connections. */
  readonly isShuttingDown: () => boolean;
  /** Server spans per request; absent while tracing is off. */
  readonly tracing?: HttpServerTracing | undefined;
  /** Request metrics and, unless they have a port of their own, `GET /metrics`. */
  readonly metrics?: HttpMetricsHooks | undefined;
}

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/**
 * The middleware order is fixed here and nowhere else:
 *   1. trace context, so every later step (and every rejection) has the trace id;
 *      then request metrics (every request but the scrapes, recorded when its response is over);
 *   2. the access log, so even requests rejected below are logged;
 *   3. security headers and CORS; then `GET /metrics` (before authentication and rate limits);
 *   4. authentication (resolves the caller; never rejects by itself), then the
 *      release channel of API requests (needs the caller);
 *   5. rate limits, per caller once the caller is known;
 *   6. body parsing and contract validation, which also enforces the
 *      contract's security (public operations are those with `security: []`);
 *      (`/openapi.yaml` and the `/docs` page come before it: they are not in the contract);
 *   7. the routes, then the one error handler.
 */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', trustProxySetting(deps.http.trustProxy));

  const { metrics } = deps;
  const { corsOrigins } = deps.http;
  const { windowMs, stores } = deps.rateLimit;
  const onLimited = metrics ? (name: string) => metrics.rateLimited(name) : undefined;
  // Steps 1-3 and 4-5 each as one layer (see middleware-chain.ts: express's per-layer `next` was a large part of a read's cost).
  app.use(
    chain([
      { handler: requestContext(deps.http.requestBudgetMs, deps.logger, deps.tracing) },
      ...(metrics ? [{ handler: requestMetrics(metrics.observeRequest, metrics.scrape ? METRICS_PATH : undefined) }] : []),
      { handler: accessLog(deps.logger) },
      {
        handler: (_req, res, next) => {
          if (deps.isShuttingDown()) res.setHeader('Connection', 'close');
          next();
        },
      },
      { handler: securityHeaders(typeof corsOrigins === 'string' ? () => splitList(corsOrigins) : () => splitList(corsOrigins())) },
    ]),
  );
  // Scrapes are not API traffic: outside /v1, so never rate limited, and public.
  app.get(METRICS_PATH, metrics?.scrape ? metricsEndpoint(metrics.scrape) : metricsNotHere());
  app.use(
    chain([
      { handler: authentication(deps.authenticate) },
      { handler: releaseChannel(deps.release), under: ['/v1'] },
      // Probes are never limited: only the API is.
      { handler: rateLimiter({ name: 'api', windowMs, limit: deps.rateLimit.apiPerWindow, per: 'caller', onLimited, ...(stores ? { store: stores.api } : {}) }), under: ['/v1'] },
      {
        handler: rateLimiter({ name: 'auth', windowMs, limit: deps.rateLimit.authPerWindow, per: 'address', onLimited, ...(stores ? { store: stores.auth } : {}) }),
        under: ['/v1/auth/login', '/v1/auth/register', '/v1/auth/password-reset'],
      },
    ]),
  );

  app.use(express.json({ limit: deps.http.bodyLimitBytes, type: JSON_TYPES, strict: false, verify: rejectInvalidUtf8 }));
  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(deps.apiSpecText);
  });
  // The browser reference of that contract; outside it, so before its validation.
  app.use(docsRouter());
  cacheValidatorRouteMatchers();
  indexValidatorRoutes();
  // The validator's own steps (metadata, security, request checks) as one layer too, HEAD seen as GET around them.
  const validator = OpenApiValidator.middleware({
      apiSpec: structuredClone(deps.apiSpec) as never,
      // Query and path values are converted anyway; coercion would also turn a
      // JSON number into a string in the body, which must stay a 400.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
      validateResponses: false,
      // The caller was resolved by `authentication`; the error handler reports why one is missing.
      validateSecurity: { handlers: { bearerAuth: (req) => Boolean(req.ctx.principal) } },
      validateFormats: true,
      ajvFormats: { mode: 'full' },
      ignorePaths: /^\/openapi\.yaml$/,
      fileUploader: false,
  });
  app.use(chain([{ handler: headRequests.asGet }, { handler: validator }, { handler: headRequests.restore }]));
  app.use(headRequests.restoreOnError);

  // Each router under its path prefix: a request only tries the routes of the router its path names.
  app.use(healthRouter(deps.checkReadiness));
  app.use('/v1/auth', authRouter(deps.auth));
  app.use('/v1/users', usersRouter(deps.users));
  app.use('/v1/users', activityRouter(deps.activity));
  app.use('/v1/products', productsRouter(deps.products));
  app.use('/v1/orders', ordersRouter(deps.orders));
  app.use('/v1/admin/schedules', schedulesRouter(deps.schedules));
  if (deps.productSales) app.use('/v1/admin/product-sales', productSalesRouter(deps.productSales));
  app.use('/v1/admin/flags', flagsRouter(deps.flags));
  app.use('/v1/admin', jobsRouter(deps.jobs));

  app.use(errorHandler());
  // A shadowed or doubled route would silently answer the wrong handler: refuse to start.
  assertUnambiguousRoutes(app);
  return app;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
