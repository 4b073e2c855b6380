import type { AuthorizationState } from '../../domain/payment/payment-gateway.ts';

export type GatewayOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'get' | 'find';

/** One attempt got no HTTP answer: it timed out, or the connection failed or was cut. */
export class GatewayTransportError extends Error {
  override readonly name = 'GatewayTransportError';
  readonly timedOut: boolean;
  /** False for failures of our own client (closed pool, invalid request): another attempt would fail alike. */
  readonly retryable: boolean;
  /**
   * True when no connection could be made (refused, unknown host, no route):
   * the request provably never reached the gateway, so nothing was done there.
   */
  readonly notSent: boolean;

  constructor(message: string, options: ErrorOptions & { timedOut: boolean; retryable: boolean; notSent?: boolean }) {
    super(message, options);
    this.timedOut = options.timedOut;
    this.retryable = options.retryable;
    this.notSent = options.notSent ?? false;
  }
}

/** The gateway answered "not now": a 5xx, or 429 (rate limited). */
export class GatewayBusyError extends Error {
  override readonly name = 'GatewayBusyError';
  readonly status: number;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, retryAfterMs: number | undefined, code: string | undefined) {
    super(`the payment gateway answered ${status}${code ? ` (${code})` : ''}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The gateway refused a request that retrying will not fix (a 4xx, or an
 * answer of the wrong shape): a bug on one side, not a payment outcome.
 */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  readonly operation: GatewayOperation;
  readonly status: number;
  readonly code: string | undefined;

  constructor(operation: GatewayOperation, status: number, code: string | undefined, detail: string) {
    super(`payment gateway ${operation} failed with ${status}${code ? ` ${code}` : ''}: ${detail}`);
    this.operation = operation;
    this.status = status;
    this.code = code;
  }
}

/**
 * A capture, void or refund of an authorization whose state forbids it
 * (voiding a captured one, refunding an uncaptured one...). The caller's flow
 * is wrong; nothing was changed at the gateway.
 */
export class GatewayInvalidStateError extends Error {
  override readonly name = 'GatewayInvalidStateError';
  readonly authorizationId: string;
  readonly operation: 'capture' | 'void' | 'refund';
  readonly state: AuthorizationState;

  constructor(authorizationId: string, operation: 'capture' | 'void' | 'refund', state: AuthorizationState) {
    super(`cannot ${operation} payment authorization ${authorizationId}: it is ${state}`);
    this.authorizationId = authorizationId;
    this.operation = operation;
    this.state = state;
  }
}
