import { context, SpanKind, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_QUERY_SUMMARY, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME, DB_SYSTEM_NAME_VALUE_POSTGRESQL } from '@opentelemetry/semantic-conventions';
import { insideSpan, recordFailure } from './spans.ts';

/** What a query observer is told of one executed statement (the shape the postgres adapter reports). */
export interface ObservedQuery {
  /** With placeholders, never the parameters. */
  readonly sql: string;
  /** Verb and first table, e.g. `select orders`. */
  readonly name: string;
  readonly durationMs: number;
  readonly error?: unknown;
}

/**
 * A query observer that records each statement as a client span after the
 * fact: it is told once the statement is over, still in the caller's async
 * context, so the span gets its parent from there and its start time from the
 * duration. Statements outside any traced unit of work (pool housekeeping,
 * untraced background loops) are left out rather than each becoming a trace.
 */
export function querySpans(tracer: Tracer): (query: ObservedQuery) => void {
  return (query) => {
    if (!insideSpan()) return;
    const endTime = performance.timeOrigin + performance.now();
    const span = tracer.startSpan(
      query.name,
      {
        kind: SpanKind.CLIENT,
        startTime: endTime - query.durationMs,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
          [ATTR_DB_QUERY_SUMMARY]: query.name,
          [ATTR_DB_QUERY_TEXT]: query.sql,
          // The attribute's name before semantic conventions 1.26; many backends still show only this one.
          'db.statement': query.sql,
        },
      },
      context.active(),
    );
    if (query.error !== undefined) recordFailure(span, query.error);
    span.end(endTime);
  };
}
