import type { Money } from '../product/money.ts';
import type { Context } from '../shared/context.ts';

/** Why a card was declined; `invalid_card`: the gateway does not know the card (token) at all, nothing was authorized. */
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'suspected_fraud' | 'invalid_card';

export interface AuthorizationRequest {
  /** Sent unchanged on every retry, so the gateway authorizes at most once (the order id). */
  readonly idempotencyKey: string;
  readonly amount: Money;
  readonly cardToken: string;
}

export type AuthorizationResult =
  | { readonly outcome: 'approved'; readonly authorizationId: string }
  /** `authorizationId` is undefined when the card was refused outright (`invalid_card`): no authorization exists. */
  | { readonly outcome: 'declined'; readonly authorizationId: string | undefined; readonly declineCode: DeclineCode };

export type AuthorizationState = 'approved' | 'declined' | 'captured' | 'voided' | 'refunded';

export interface Authorization {
  readonly authorizationId: string;
  readonly idempotencyKey: string;
  readonly state: AuthorizationState;
  readonly amount: Money;
}

/**
 * The external payment processor. Failures that may pass (timeouts, 5xx, 429,
 * an open breaker, a full bulkhead) surface as `PaymentUnavailableError`;
 * a decline is a result, not an error.
 */
export interface PaymentGateway {
  authorize(ctx: Context, request: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(ctx: Context, authorizationId: string): Promise<void>;
  /** Releases an approved, uncaptured authorization. Voiding twice is a no-op. */
  void(ctx: Context, authorizationId: string): Promise<void>;
  /** Returns a captured amount. Refunding twice is a no-op. */
  refund(ctx: Context, authorizationId: string): Promise<void>;
  /** What the gateway knows of the authorization made with this key, if any (recovery, reconciliation). */
  findByIdempotencyKey(ctx: Context, idempotencyKey: string): Promise<Authorization | undefined>;
}
