import type { Principal } from '../../internal/domain/identity/principal.ts';
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

/** The user id `asAdmin()` acts as unless told otherwise; no stored user needs to have it. */
export const TEST_ADMIN_ID = '00000000-0000-7000-8000-00000000ad31';

/** A test context signed in as `principal` (on top of `base`, a fresh test context by default). */
export function asPrincipal(principal: Principal, base: Context = testContext()): Context {
  return { ...base, principal };
}

/** A test context signed in as an admin. */
export function asAdmin(userId: string = TEST_ADMIN_ID, base?: Context): Context {
  return asPrincipal({ userId, roles: ['admin'], sessionId: 's' }, base);
}

/** A test context signed in as the customer `userId`. */
export function asCustomer(userId: string, base?: Context): Context {
  return asPrincipal({ userId, roles: ['customer'], sessionId: 's' }, base);
}
