import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { insideSpan, recordFailure, traceparentOf, TRACER_NAME } from './spans.ts';

/** The client span of one outgoing HTTP request. */
export interface ClientSpan {
  end(outcome: { readonly status?: number; readonly error?: unknown }): void;
}

export interface OutgoingRequest {
  readonly method: string;
  /** Where the server is (its origin counts, not its path). */
  readonly base: URL;
  /** From the root, query included. */
  readonly path: string;
  /** The path with its ids as placeholders (`/v1/authorizations/{id}/capture`), for the span name. */
  readonly template?: string | undefined;
  /** The trace id of the unit of work sending it (`ctx.traceId`). */
  readonly traceId?: string | undefined;
}

/**
 * Prepares one outgoing HTTP request for tracing and sets its `traceparent`
 * in `headers`. Inside a traced unit of work it starts a client span, the
 * parent the receiver sees; otherwise (tracing off) it still passes on
 * `traceId` when it is a W3C trace id, so both sides' logs share it.
 */
export function startHttpClientSpan(request: OutgoingRequest, headers: Record<string, string>): ClientSpan | undefined {
  if (!insideSpan()) {
    const traceparent = request.traceId === undefined ? undefined : traceparentOf(request.traceId);
    if (traceparent !== undefined) headers.traceparent = traceparent;
    return undefined;
  }
  const { method, base } = request;
  const span = trace.getTracer(TRACER_NAME).startSpan(
    request.template === undefined ? method : `${method} ${request.template}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_FULL]: `${base.origin}${request.path}`,
        [ATTR_SERVER_ADDRESS]: base.hostname,
        [ATTR_SERVER_PORT]: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
        ...(request.template === undefined ? {} : { 'url.template': request.template }),
      },
    },
    context.active(),
  );
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return {
    end({ status, error }) {
      if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (error !== undefined) recordFailure(span, error);
      else if (status !== undefined && status >= 400) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
