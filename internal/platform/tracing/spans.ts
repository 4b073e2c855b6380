import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context as OtelContext, type Span } from '@opentelemetry/api';

/** The instrumentation scope of every span this service creates itself. */
export const TRACER_NAME = 'ordersvc';

const W3C_TRACE_ID = /^[\da-f]{32}$/;
const ZERO_TRACE_ID = '0'.repeat(32);

/** Whether `traceId` can travel in a W3C `traceparent` (32 lower-case hex digits, not all zero). */
function isW3cTraceId(traceId: string): boolean {
  return W3C_TRACE_ID.test(traceId) && traceId !== ZERO_TRACE_ID;
}

/**
 * A `traceparent` that carries only `traceId` on, for when no span of ours is
 * recording (tracing off): a fresh parent id, and "not sampled", since nothing
 * of this hop was recorded.
 */
export function traceparentOf(traceId: string): string | undefined {
  if (!isW3cTraceId(traceId)) return undefined;
  const parentId = randomBytes(8).toString('hex');
  return `00-${traceId}-${/^0+$/.test(parentId) ? '0000000000000001' : parentId}-00`;
}

/** The trace id of the span active in the current async context, if one is. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Whether a span of a unit of work (request, job, scheduled run) is active: statements outside one are not traced. */
export function insideSpan(): boolean {
  return trace.getSpan(context.active()) !== undefined;
}

/** Marks the span failed with `error` (its type in `error.type`, as the semantic conventions ask). */
export function recordFailure(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : 'Error';
  span.setAttribute('error.type', name);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The span of a unit of work, as the work sees it. */
export interface WorkSpan {
  /** The trace id, or undefined while tracing is off. */
  readonly traceId: string | undefined;
  /** Marks the span failed, for work that reports a failure instead of throwing it. */
  fail(error: unknown): void;
}

export interface WorkSpanOptions {
  readonly kind?: 'internal' | 'consumer';
  readonly attributes?: Attributes;
  /** Starts a new trace instead of continuing the active context (scheduled runs). */
  readonly root?: boolean;
}

/**
 * Runs `work` in a span of its own, active for everything it awaits, and ends
 * the span when `work` settles (failed when it throws). The span comes from
 * the registered tracing SDK: a no-op, with no trace id, while tracing is off.
 */
export async function inSpan<T>(name: string, options: WorkSpanOptions, work: (span: WorkSpan) => Promise<T>): Promise<T> {
  const parent: OtelContext = options.root ? ROOT_CONTEXT : context.active();
  const kind = options.kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind, ...(options.attributes ? { attributes: options.attributes } : {}) }, parent);
  const spanContext = span.spanContext();
  const view: WorkSpan = {
    traceId: trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined,
    fail: (error) => recordFailure(span, error),
  };
  try {
    return await context.with(trace.setSpan(parent, span), () => work(view));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
