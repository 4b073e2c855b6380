import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { QueryObserver } from '../../internal/adapter/postgres/database.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { httpServerTracing, type HttpServerTracing } from '../../internal/platform/tracing/http-server-spans.ts';
import { querySpans } from '../../internal/platform/tracing/query-spans.ts';
import { traceRedisCommands, type CommandSender } from '../../internal/platform/tracing/redis-spans.ts';
import { startTracing, tracesUrl } from '../../internal/platform/tracing/tracing.ts';
import { traceUseCase, traceUseCases } from '../../internal/platform/tracing/use-case-spans.ts';
import { PROJECT_ROOT } from '../shared/project-paths.ts';

/**
 * Tracing as the service wires it. While `tracing.enabled` is false nothing is
 * registered and every hook is absent or the identity: the request path pays
 * nothing for it.
 */
export interface ServiceTracing {
  /** Server spans for the HTTP app. */
  readonly http: HttpServerTracing | undefined;
  /** A span per SQL statement. */
  readonly onQuery: QueryObserver | undefined;
  /** `deps` with each use-case (standalone or in a group) traced per `execute`. */
  useCases<T extends object>(deps: T): T;
  useCase<T extends object>(useCase: T): T;
  /** A span per command of this client. */
  redis(client: CommandSender | undefined): void;
  /** Exports the spans still buffered and unregisters the SDK. */
  shutdown(): Promise<void>;
}

export interface ServiceTracingOptions {
  /** Tests: every span goes to this exporter as it ends, instead of to the collector. */
  readonly exporter?: SpanExporter | undefined;
}

const OFF: ServiceTracing = {
  http: undefined,
  onQuery: undefined,
  useCases: (deps) => deps,
  useCase: (useCase) => useCase,
  redis: () => undefined,
  shutdown: () => Promise.resolve(),
};

export function startServiceTracing(config: AppConfig, logger: Logger, options: ServiceTracingOptions = {}): ServiceTracing {
  const settings = config.tracing;
  if (!settings.enabled) return OFF;
  const tracing = startTracing(
    { ...settings, serviceVersion: settings.serviceVersion || packageVersion() },
    options.exporter ? { exporter: options.exporter } : {},
  );
  logger.info({ endpoint: options.exporter ? 'in-process exporter' : tracesUrl(settings), sampleRatio: settings.sampleRatio }, 'tracing on');
  const { tracer } = tracing;
  return {
    http: httpServerTracing(tracer),
    onQuery: querySpans(tracer),
    useCases: (deps) => traceUseCases(tracer, deps),
    useCase: (useCase) => traceUseCase(tracer, useCase),
    redis: (client) => {
      if (client) traceRedisCommands(client, tracer);
    },
    shutdown: () => tracing.shutdown(),
  };
}

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
