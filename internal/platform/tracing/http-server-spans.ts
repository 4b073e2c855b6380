import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { recordFailure } from './spans.ts';

/** The server span of one HTTP request. */
export interface ServerSpan {
  /** The trace the request belongs to: the caller's (from `traceparent`) or a new one. */
  readonly traceId: string;
  /**
   * Calls `next` with the span active, and keeps it active in the request's
   * and response's event listeners (the body arrives in those, and the rest
   * of the chain runs from there).
   */
  run(req: EventEmitter, res: EventEmitter, next: () => void): void;
  /** Names the span after the matched route template (`unmatched` when none) and ends it. */
  end(outcome: { readonly route: string; readonly status: number; readonly error?: unknown; readonly completed: boolean }): void;
}

/** Starts server spans; handed to the transport only while tracing is on. */
export interface HttpServerTracing {
  start(method: string, path: string, headers: IncomingHttpHeaders): ServerSpan;
}

/** Server spans whose parent is the caller's `traceparent` (W3C, through the registered propagator). */
export function httpServerTracing(tracer: Tracer): HttpServerTracing {
  return {
    start(method, path, headers) {
      const parent = propagation.extract(ROOT_CONTEXT, headers);
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path } }, parent);
      const active = trace.setSpan(parent, span);
      return {
        traceId: span.spanContext().traceId,
        run(req, res, next) {
          context.bind(active, req);
          context.bind(active, res);
          context.with(active, next);
        },
        end({ route, status, error, completed }) {
          if (route !== 'unmatched') {
            span.updateName(`${method} ${route}`);
            span.setAttribute(ATTR_HTTP_ROUTE, route);
          }
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (error !== undefined) recordFailure(span, error);
          // A 4xx is the client's mistake, not a failure of this server (semantic conventions).
          else if (status >= 500) {
            span.setAttribute('error.type', String(status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          if (!completed) span.setAttribute('ordersvc.response.aborted', true);
          span.end();
        },
      };
    },
  };
}
