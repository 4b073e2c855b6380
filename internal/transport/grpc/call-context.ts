import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { ServerError, Status, type CallContext, type ServerMiddleware } from 'nice-grpc';
import type { Context } from '../../domain/shared/context.ts';
import { DomainError } from '../../domain/shared/domain-error.ts';
import type { Logger } from '../../platform/logger/logger.ts';
import { fromDomainError } from './status-map.ts';

/** What every handler gets besides nice-grpc's CallContext. */
export interface RpcContextExt {
  /** The request context of the use-cases: trace, deadline, logger, then principal and channel. */
  ctx: Context;
  /** Why the token in `authorization` was refused; reported only when the RPC needs a caller. */
  authError?: DomainError | undefined;
}

/** One finished call, for metrics. */
export interface RpcCallSample {
  readonly service: string;
  readonly method: string;
  readonly code: string;
  readonly durationMs: number;
}

export interface CallContextSettings {
  readonly logger: Logger;
  /** The work budget of a unary call, as REST's request budget; a shorter `grpc-timeout` wins. */
  readonly budgetMs: number;
  readonly observeCall?: ((sample: RpcCallSample) => void) | undefined;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const ZERO_TRACE = '0'.repeat(32);

/**
 * The outermost of our middlewares (inside tracing and error details): gives
 * the call its context — the trace id (the span's, else `traceparent`, else
 * `x-request-id`, else new), a signal that aborts when the caller cancels,
 * its `grpc-timeout` passes or the unary budget runs out, and a logger bound to
 * the trace id — then writes one access line and one metrics sample per call,
 * and turns every failure into a status: domain errors through the one map,
 * aborts into DEADLINE_EXCEEDED / CANCELLED, anything else into a bare
 * INTERNAL that is logged with its stack (the caller sees no internals).
 */
export function callContext(settings: CallContextSettings): ServerMiddleware<RpcContextExt> {
  return async function* (call, context) {
    const startedAt = performance.now();
    const [service = 'unknown', method = 'unknown'] = call.method.path.split('/').slice(1);
    const traceId = traceIdOf(context);
    const log = settings.logger.child({ trace_id: traceId });
    const signal = call.method.responseStream ? context.signal : AbortSignal.any([context.signal, AbortSignal.timeout(settings.budgetMs)]);
    const ctx: Context = { traceId, signal, log };
    // Later middlewares refine `ctx` (principal, channel) on this very object; the log line reads it at the end.
    const ext = { ...context, ctx } as CallContext & RpcContextExt;
    context.header.set('x-request-id', traceId);
    let code: Status = Status.OK;
    let failure: unknown;
    try {
      return yield* call.next(call.request, ext);
    } catch (error) {
      const status = toStatus(error, ext, signal);
      code = status.code;
      if (status.code === Status.INTERNAL || status.code === Status.UNKNOWN) failure = error;
      throw status;
    } finally {
      const durationMs = Math.round(performance.now() - startedAt);
      if (code === Status.OK && context.signal.aborted) code = Status.CANCELLED;
      const line = { rpc_service: service, rpc_method: method, grpc_code: Status[code], duration_ms: durationMs, ...(ext.ctx.channel ? { channel: ext.ctx.channel } : {}) };
      if (failure) log.error({ ...line, err: failure }, 'call failed');
      else if (code === Status.OK) log.info(line, 'call completed');
      else log.warn(line, 'call completed');
      settings.observeCall?.({ service, method, code: Status[code], durationMs });
    }
  };
}

function toStatus(error: unknown, ext: RpcContextExt, signal: AbortSignal): ServerError {
  if (error instanceof ServerError) return error;
  if (error instanceof DomainError) {
    // "Sign in" says less than why the token that came was refused.
    return fromDomainError(error.kind === 'unauthorized' && ext.authError ? ext.authError : error);
  }
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return timedOut || !isCancelled(reason)
      ? new ServerError(Status.DEADLINE_EXCEEDED, 'the call ran out of time')
      : new ServerError(Status.CANCELLED, 'the call was cancelled');
  }
  return new ServerError(Status.INTERNAL, 'internal error; it was logged with the trace id (x-request-id)');
}

function isCancelled(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'AbortError' && /cancel/i.test(reason.message);
}

function traceIdOf(context: CallContext): string {
  const active = trace.getActiveSpan()?.spanContext().traceId;
  if (active && active !== ZERO_TRACE) return active;
  const parent = context.metadata.get('traceparent');
  const fromParent = typeof parent === 'string' ? TRACEPARENT.exec(parent.trim().toLowerCase())?.[1] : undefined;
  if (fromParent && fromParent !== ZERO_TRACE) return fromParent;
  const requestId = context.metadata.get('x-request-id');
  if (typeof requestId === 'string' && REQUEST_ID.test(requestId)) return requestId;
  return randomUUID().replaceAll('-', '');
}
