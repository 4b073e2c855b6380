import type { Context } from '../shared/context.ts';
import type { Order } from './order.ts';

/**
 * Schedules the recovery of one order a placement left `pending` (the
 * gateway's answer is not known): it is settled later the way the recovery
 * sweep would, which stays the net when scheduling fails.
 */
export interface PendingOrderRecovery {
  schedule(ctx: Context, order: Order): Promise<void>;
}
