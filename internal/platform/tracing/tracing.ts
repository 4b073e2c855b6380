import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { TRACER_NAME } from './spans.ts';

export interface TracingSettings {
  /** Base URL of the OTLP/HTTP collector; spans go to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** Full URL for spans; overrides `endpoint` when not empty. */
  readonly tracesEndpoint: string;
  /** Share of new traces recorded; a propagated parent's decision wins. */
  readonly sampleRatio: number;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly exportTimeoutMs: number;
}

export interface TracingOptions {
  /**
   * Tests: spans go to this exporter, one by one as they end (a
   * `SimpleSpanProcessor`), instead of batched to the OTLP collector.
   */
  readonly exporter?: SpanExporter;
}

/** The process's tracing SDK, registered with the OpenTelemetry API until `shutdown`. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Exports what is still buffered (bounded by the export timeout), then unregisters. */
  shutdown(): Promise<void>;
}

/** Where spans are sent, after the OTLP rules: the per-signal URL wins over the base URL. */
export function tracesUrl(settings: Pick<TracingSettings, 'endpoint' | 'tracesEndpoint'>): string {
  if (settings.tracesEndpoint !== '') return settings.tracesEndpoint;
  return `${settings.endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts the tracing SDK and registers it with the OpenTelemetry API: the
 * AsyncLocalStorage context manager (so a span started in a request is the
 * parent of what runs in its async continuations), the W3C trace-context
 * propagator (`traceparent` in and out, no baggage) and the tracer provider
 * with a parent-based ratio sampler. One per process: registering twice
 * fails until the first one is shut down.
 */
export function startTracing(settings: TracingSettings, options: TracingOptions = {}): Tracing {
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: tracesUrl(settings), timeoutMillis: settings.exportTimeoutMs }),
        exportTimeoutMillis: settings.exportTimeoutMs,
      });
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: settings.serviceVersion }),
    ),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [processor],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  register(contextManager, provider);
  let stopped: Promise<void> | undefined;
  return {
    tracer: provider.getTracer(TRACER_NAME),
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          unregister();
          contextManager.disable();
        }
      })();
      return stopped;
    },
  };
}

/** Registers all three globals or none (what another SDK registered is left alone). */
function register(contextManager: AsyncLocalStorageContextManager, provider: TracerProvider): void {
  const failed = () => new Error('an OpenTelemetry SDK is already registered in this process; shut it down first');
  if (!context.setGlobalContextManager(contextManager)) throw failed();
  if (!propagation.setGlobalPropagator(new W3CTraceContextPropagator())) {
    context.disable();
    throw failed();
  }
  if (!trace.setGlobalTracerProvider(provider)) {
    propagation.disable();
    context.disable();
    throw failed();
  }
}

function unregister(): void {
  trace.disable();
  propagation.disable();
  context.disable();
}
