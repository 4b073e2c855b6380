import type { Authorization, AuthorizationResult, AuthorizationState, DeclineCode } from '../../domain/payment/payment-gateway.ts';
import { GatewayRequestError, type GatewayOperation } from './payment-gateway.errors.ts';

/** An authorization as the gateway's JSON shows it. */
export interface WireAuthorization {
  readonly id: string;
  readonly idempotency_key: string;
  readonly status: AuthorizationState;
  readonly decline_code: string | null;
  readonly amount: number;
  readonly currency: string;
}

const STATES: ReadonlySet<string> = new Set<AuthorizationState>(['approved', 'declined', 'captured', 'voided', 'refunded']);
const DECLINE_CODES: ReadonlySet<string> = new Set<DeclineCode>(['card_declined', 'insufficient_funds', 'suspected_fraud']);

/** @throws GatewayRequestError when `body` is not an authorization */
export function parseAuthorization(operation: GatewayOperation, status: number, body: unknown): WireAuthorization {
  if (!isRecord(body)) throw malformed(operation, status, 'the body is not an object');
  const { id, idempotency_key, status: state, decline_code, amount, currency } = body;
  if (typeof id !== 'string' || id.length === 0) throw malformed(operation, status, 'id is missing');
  if (typeof idempotency_key !== 'string') throw malformed(operation, status, 'idempotency_key is missing');
  if (typeof state !== 'string' || !STATES.has(state)) throw malformed(operation, status, `unknown status ${String(state)}`);
  if (decline_code !== null && decline_code !== undefined && typeof decline_code !== 'string') throw malformed(operation, status, 'decline_code is not a string');
  if (!Number.isSafeInteger(amount)) throw malformed(operation, status, 'amount is not an integer');
  if (typeof currency !== 'string') throw malformed(operation, status, 'currency is missing');
  return { id, idempotency_key, status: state as AuthorizationState, decline_code: decline_code ?? null, amount: amount as number, currency };
}

/** The first authorization of a `{ items: [...] }` list, if any. */
export function parseFirstListed(operation: GatewayOperation, status: number, body: unknown): WireAuthorization | undefined {
  if (!isRecord(body) || !Array.isArray(body.items)) throw malformed(operation, status, 'items is missing');
  const items: readonly unknown[] = body.items;
  const first = items[0];
  return first === undefined ? undefined : parseAuthorization(operation, status, first);
}

/** The `error.code` of an error body (`{ error: { code, message } }`), if it has one. */
export function errorCodeOf(body: unknown): string | undefined {
  const error = isRecord(body) ? body.error : undefined;
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

export function toAuthorization(wire: WireAuthorization): Authorization {
  return {
    authorizationId: wire.id,
    idempotencyKey: wire.idempotency_key,
    state: wire.status,
    amount: { amountMinor: wire.amount, currency: wire.currency },
  };
}

/**
 * A declined authorization is a result, anything else was approved: an
 * idempotent repeat of an authorization that has since been captured, voided
 * or refunded still answers "approved" (`findByIdempotencyKey` tells the state).
 */
export function toAuthorizationResult(wire: WireAuthorization): AuthorizationResult {
  if (wire.status !== 'declined') return { outcome: 'approved', authorizationId: wire.id };
  // A code we don't know (a real gateway has dozens) is still a decline.
  const declineCode = wire.decline_code !== null && DECLINE_CODES.has(wire.decline_code) ? (wire.decline_code as DeclineCode) : 'card_declined';
  return { outcome: 'declined', authorizationId: wire.id, declineCode };
}

/**
 * `Retry-After` in milliseconds: delay-seconds or an HTTP date. Undefined when
 * absent or unreadable; never negative.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date names its day and month; Date.parse alone would take '-1' for a year.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function malformed(operation: GatewayOperation, status: number, detail: string): GatewayRequestError {
  return new GatewayRequestError(operation, status, 'malformed_response', detail);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
