import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Money } from '../../internal/domain/product/money.ts';
import type {
  Authorization,
  AuthorizationRequest,
  AuthorizationResult,
  AuthorizationState,
  DeclineCode,
  PaymentGateway,
} from '../../internal/domain/payment/payment-gateway.ts';
import { PaymentUnavailableError } from '../../internal/domain/payment/payment.errors.ts';
import type { Context } from '../../internal/domain/shared/context.ts';

export type GatewayOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'lookup';

/** One call as the gateway received it: the idempotency key (authorize, lookup) or the authorization id. */
export interface GatewayCall {
  readonly operation: GatewayOperation;
  readonly ref: string;
}

interface Stored {
  readonly authorizationId: string;
  readonly idempotencyKey: string;
  readonly amount: Money;
  readonly declineCode: DeclineCode | undefined;
  state: AuthorizationState;
}

/** Test card tokens and what they get; any other token is declined as `card_declined`. */
const DECLINES: Readonly<Record<string, DeclineCode | undefined>> = {
  tok_approved: undefined,
  tok_declined: 'card_declined',
  tok_insufficient_funds: 'insufficient_funds',
  tok_fraud: 'suspected_fraud',
};

/**
 * A payment gateway in memory for use-case tests. Approves `tok_approved`,
 * declines `tok_declined`, `tok_insufficient_funds` and `tok_fraud`; one
 * authorization per idempotency key (repeats get the first result). It can
 * be switched unavailable (every call fails before acting), slow (authorizations answer
 * late; by default it has acted already, so an aborted call leaves its
 * authorization behind, as a real timeout may) and made to fail single
 * operations before or after acting (a lost response). Every call is recorded.
 */
export class InMemoryPaymentGateway implements PaymentGateway {
  readonly #calls: GatewayCall[] = [];
  readonly #byKey = new Map<string, Stored>();
  readonly #byId = new Map<string, Stored>();
  readonly #failures = new Map<GatewayOperation, 'before' | 'after'>();
  readonly #newId: () => string;
  #unavailable = false;
  #slow: { readonly ms: number; readonly actsAtOnce: boolean; readonly operations: readonly GatewayOperation[] } | undefined;

  constructor(options: { newId?: () => string } = {}) {
    this.#newId = options.newId ?? (() => `auth_${randomUUID()}`);
  }

  get calls(): readonly GatewayCall[] {
    return [...this.#calls];
  }

  callsOf(operation: GatewayOperation): GatewayCall[] {
    return this.#calls.filter((call) => call.operation === operation);
  }

  makeUnavailable(): void {
    this.#unavailable = true;
  }

  makeAvailable(): void {
    this.#unavailable = false;
    this.#slow = undefined;
    this.#failures.clear();
  }

  /**
   * Calls (authorizations unless `operations` says otherwise) answer after `ms`, or
   * fail when aborted. `actsAtOnce: false` acts only once the delay has passed.
   */
  makeSlow(ms: number, options: { actsAtOnce?: boolean; operations?: readonly GatewayOperation[] } = {}): void {
    this.#slow = { ms, actsAtOnce: options.actsAtOnce ?? true, operations: options.operations ?? ['authorize'] };
  }

  /** Calls of `operation` fail with PaymentUnavailableError until `heal`: before the gateway acts, or after (the answer is lost). */
  failOn(operation: GatewayOperation, when: 'before' | 'after' = 'before'): void {
    this.#failures.set(operation, when);
  }

  heal(operation: GatewayOperation): void {
    this.#failures.delete(operation);
  }

  /** What the gateway holds for this key, without counting as a call. */
  authorizationFor(idempotencyKey: string): Authorization | undefined {
    const stored = this.#byKey.get(idempotencyKey);
    return stored && view(stored);
  }

  /** Changes an authorization behind the service's back (someone used the gateway's dashboard). */
  forceState(idempotencyKey: string, state: AuthorizationState): void {
    const stored = this.#byKey.get(idempotencyKey);
    if (!stored) throw new Error(`no authorization for ${idempotencyKey}`);
    stored.state = state;
  }

  authorize(ctx: Context, request: AuthorizationRequest): Promise<AuthorizationResult> {
    return this.#call(ctx, 'authorize', request.idempotencyKey, () => {
      const stored = this.#byKey.get(request.idempotencyKey) ?? this.#store(request);
      return stored.declineCode === undefined
        ? { outcome: 'approved', authorizationId: stored.authorizationId }
        : { outcome: 'declined', authorizationId: stored.authorizationId, declineCode: stored.declineCode };
    });
  }

  capture(ctx: Context, authorizationId: string): Promise<void> {
    return this.#call(ctx, 'capture', authorizationId, () => this.#move(authorizationId, 'approved', 'captured'));
  }

  void(ctx: Context, authorizationId: string): Promise<void> {
    return this.#call(ctx, 'void', authorizationId, () => this.#move(authorizationId, 'approved', 'voided'));
  }

  refund(ctx: Context, authorizationId: string): Promise<void> {
    return this.#call(ctx, 'refund', authorizationId, () => this.#move(authorizationId, 'captured', 'refunded'));
  }

  findByIdempotencyKey(ctx: Context, idempotencyKey: string): Promise<Authorization | undefined> {
    return this.#call(ctx, 'lookup', idempotencyKey, () => this.authorizationFor(idempotencyKey));
  }

  async #call<T>(ctx: Context, operation: GatewayOperation, ref: string, act: () => T): Promise<T> {
    this.#calls.push({ operation, ref });
    ctx.signal.throwIfAborted();
    const failure = this.#failures.get(operation);
    if (this.#unavailable || failure === 'before') throw new PaymentUnavailableError(`${operation} failed (test double)`);
    const slow = this.#slow?.operations.includes(operation) ? this.#slow : undefined;
    if (slow && !slow.actsAtOnce) await delay(slow.ms, undefined, { signal: ctx.signal });
    const result = act();
    if (slow?.actsAtOnce) await delay(slow.ms, undefined, { signal: ctx.signal });
    if (failure === 'after') throw new PaymentUnavailableError(`${operation} timed out after the gateway acted (test double)`);
    return result;
  }

  #store(request: AuthorizationRequest): Stored {
    const declineCode = request.cardToken in DECLINES ? DECLINES[request.cardToken] : 'card_declined';
    const stored: Stored = {
      authorizationId: this.#newId(),
      idempotencyKey: request.idempotencyKey,
      amount: { ...request.amount },
      declineCode,
      state: declineCode === undefined ? 'approved' : 'declined',
    };
    this.#byKey.set(stored.idempotencyKey, stored);
    this.#byId.set(stored.authorizationId, stored);
    return stored;
  }

  // Repeating a move that is done is a no-op, as the port promises for void and refund.
  #move(authorizationId: string, from: AuthorizationState, to: AuthorizationState): void {
    const stored = this.#byId.get(authorizationId);
    if (!stored) throw new Error(`no authorization ${authorizationId}`);
    if (stored.state === to) return;
    if (stored.state !== from) throw new Error(`cannot move a ${stored.state} authorization to ${to}`);
    stored.state = to;
  }
}

function view(stored: Stored): Authorization {
  return { authorizationId: stored.authorizationId, idempotencyKey: stored.idempotencyKey, state: stored.state, amount: { ...stored.amount } };
}
