import type { Context } from '../../domain/shared/context.ts';

/**
 * The same unit of work with a deadline of its own: for steps that must
 * finish once started (undoing a payment, settling an order) even when the
 * caller has gone away or ran out of time.
 */
export function detached(ctx: Context, timeoutMs: number): Context {
  return { ...ctx, signal: AbortSignal.timeout(timeoutMs) };
}
