import type { Authorization, DeclineCode, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { Context } from '../../domain/shared/context.ts';

/** What an order's payment amounts to, as far as the service can tell. */
export type Payment =
  /** Money is held (approved) or taken (captured): it must end in a paid order or be given back. */
  | { readonly kind: 'held'; readonly authorizationId: string; readonly captured: boolean }
  | { readonly kind: 'declined'; readonly authorizationId: string | undefined; readonly declineCode: DeclineCode }
  /** No authorization, or one already given back: nothing to undo. */
  | { readonly kind: 'none' };

/** Reads what the gateway holds for an order (its idempotency key is the order id). */
export function paymentFrom(authorization: Authorization | undefined): Payment {
  switch (authorization?.state) {
    case 'approved':
    case 'captured':
      return { kind: 'held', authorizationId: authorization.authorizationId, captured: authorization.state === 'captured' };
    // The lookup does not say why; this is the generic decline.
    case 'declined':
      return { kind: 'declined', authorizationId: authorization.authorizationId, declineCode: 'card_declined' };
    default:
      return { kind: 'none' };
  }
}

/** Gives held money back: voids an authorization, refunds a capture. Both are no-ops when repeated. */
export async function givePaymentBack(ctx: Context, gateway: PaymentGateway, payment: Payment & { kind: 'held' }): Promise<void> {
  if (payment.captured) await gateway.refund(ctx, payment.authorizationId);
  else await gateway.void(ctx, payment.authorizationId);
}
