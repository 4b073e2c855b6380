import type { Context, ContextLogger } from '../../internal/domain/shared/context.ts';

const silent: ContextLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A context for tests: a fixed trace id, a signal that never fires unless given one, no log output. */
export function testContext(signal: AbortSignal = new AbortController().signal): Context {
  return { traceId: 't', signal, log: silent };
}
