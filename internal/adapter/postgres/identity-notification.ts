/** The channel the identity triggers (migration 0015) notify on. */
export const IDENTITY_CHANNEL = 'ordersvc_identity';

export interface IdentityChange {
  /** Users some of whose live sessions ended. */
  readonly sessions: readonly string[];
  /** Users whose row or roles changed. */
  readonly users: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A NOTIFY payload of the identity triggers; anything else is ignored. */
export function parseIdentityNotification(payload: string | undefined): IdentityChange | undefined {
  if (!payload) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const ids = (value: unknown) => (Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && UUID.test(id)) : []);
  const { sessions, users } = parsed as { sessions?: unknown; users?: unknown };
  return { sessions: ids(sessions), users: ids(users) };
}
