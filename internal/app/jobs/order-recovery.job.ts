import type { JobRequest } from '../../domain/jobs/job.ts';
import type { JobQueue } from '../../domain/jobs/job-queue.ts';
import type { Order } from '../../domain/order/order.ts';
import type { PendingOrderRecovery } from '../../domain/order/pending-order-recovery.ts';
import type { JobHandler, JobType, ReceivedJob } from '../../domain/jobs/job-handler.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ORDER_ID_PAYLOAD } from './order-id.payload.ts';
import type { RecoverPendingOrders } from '../orders/recover-pending-orders.use-case.ts';

export interface OrderRecoveryPayload {
  readonly orderId: string;
}

export const ORDER_RECOVERY: JobType<OrderRecoveryPayload> = {
  type: 'order-recovery',
  payloadSchema: ORDER_ID_PAYLOAD,
  // The gateway or the database being down is what left the order pending: keep trying for a while.
  retry: { limit: 10, delaySeconds: 5, backoff: true },
};

/** Settles one order left pending by an unanswered gateway, once `afterMs` has passed; one job per order. */
export function orderRecoveryRequest(orderId: string, afterMs: number, now: Date = new Date()): JobRequest<OrderRecoveryPayload> {
  return { type: ORDER_RECOVERY.type, payload: { orderId }, options: { dedupeKey: orderId, startAfter: new Date(now.getTime() + afterMs) } };
}

/** Schedules the recovery of a pending order as a job that runs once `afterMs` has passed (one job per order). */
export class OrderRecoveryJobs implements PendingOrderRecovery {
  readonly #queue: JobQueue;
  readonly #afterMs: number;

  constructor(queue: JobQueue, afterMs: number) {
    this.#queue = queue;
    this.#afterMs = afterMs;
  }

  async schedule(ctx: Context, order: Order): Promise<void> {
    await this.#queue.enqueue(ctx, orderRecoveryRequest(order.id, this.#afterMs));
  }
}

/**
 * Resolves the order the way the recovery sweep would (the sweep stays as the
 * net for orders whose job was never enqueued, after a crash). An order that
 * is no longer pending is left alone, so running twice has one effect.
 */
export class OrderRecoveryHandler implements JobHandler<OrderRecoveryPayload> {
  readonly jobType = ORDER_RECOVERY;
  readonly #recovery: RecoverPendingOrders;

  constructor(recovery: RecoverPendingOrders) {
    this.#recovery = recovery;
  }

  async handle(ctx: Context, job: ReceivedJob<OrderRecoveryPayload>): Promise<void> {
    const status = await this.#recovery.recoverOne(ctx, job.payload.orderId);
    ctx.log.info({ order_id: job.payload.orderId, status }, 'pending order recovered by its job');
  }
}
