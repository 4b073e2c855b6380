import express, { type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { CheckReadiness } from '../../app/health/check-readiness.use-case.ts';
import type { Logger } from '../../platform/logger/logger.ts';
import { accessLog } from './access-log.ts';
import { errorHandler } from './error-handler.ts';
import { healthRouter } from './health/health.routes.ts';
import { requestContext } from './request-context.ts';
import { usersRouter, type UserUseCases } from './users/users.routes.ts';

export interface AppDeps {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly requestBudgetMs: number;
  /** The parsed `api/openapi.yaml`; every request is validated against it. */
  readonly apiSpec: object;
  readonly apiSpecText: string;
  readonly users: UserUseCases;
  readonly checkReadiness: CheckReadiness;
  /** While true, responses ask clients to close kept-alive connections. */
  readonly isShuttingDown: () => boolean;
}

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/**
 * The middleware order is fixed here and nowhere else: trace context first so
 * every later step (and every rejection) is logged with the trace id, then the
 * access log, then parsing and contract validation, then the routes.
 */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(requestContext(deps.requestBudgetMs, deps.logger));
  app.use(accessLog(deps.logger));
  app.use((_req, res, next) => {
    if (deps.isShuttingDown()) res.setHeader('Connection', 'close');
    next();
  });
  app.use(express.json({ limit: deps.bodyLimitBytes, type: JSON_TYPES, strict: false }));

  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(deps.apiSpecText);
  });
  app.use(
    OpenApiValidator.middleware({
      apiSpec: structuredClone(deps.apiSpec) as never,
      // Query and path values are converted anyway; coercion would also turn a
      // JSON number into a string in the body, which must stay a 400.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
      validateResponses: false,
      validateSecurity: false,
      validateFormats: true,
      ajvFormats: { mode: 'full' },
      ignorePaths: /^\/openapi\.yaml$/,
      fileUploader: false,
    }),
  );

  app.use(healthRouter(deps.checkReadiness));
  app.use(usersRouter(deps.users));

  app.use(errorHandler());
  return app;
}
