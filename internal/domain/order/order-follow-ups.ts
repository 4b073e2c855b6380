import type { Order } from './order.ts';

/**
 * What a change of an order calls for beyond the order itself — the
 * confirmation of a paid order; the integration events of a change — recorded
 * in the transaction that saves the change, so both commit or neither (no
 * dual write). The order repository calls it inside its transaction; `Tx` is
 * that transaction as the repository's adapter knows it (opaque here).
 */
export interface OrderFollowUps<Tx> {
  /** Called once per saved change of status, inside the transaction that saves it; a throw rolls the change back. */
  orderChanged(tx: Tx, before: Order, after: Order): Promise<void>;
}
