import type { TransactionalJobQueue } from '../../domain/jobs/job-queue.ts';
import type { OrderFollowUps } from '../../domain/order/order-follow-ups.ts';
import type { Order } from '../../domain/order/order.ts';
import { orderConfirmationRequest } from '../jobs/order-confirmation.job.ts';

/**
 * The follow-ups of an order's changes as jobs enqueued in the transaction
 * of the change: a paid order's confirmation (one per order, deduplicated by
 * its id). More follow-ups of a change (its integration events in the
 * outbox) belong here beside it, written with the same `tx`.
 */
export class OrderFollowUpJobs<Tx> implements OrderFollowUps<Tx> {
  readonly #jobs: TransactionalJobQueue<Tx>;

  constructor(jobs: TransactionalJobQueue<Tx>) {
    this.#jobs = jobs;
  }

  async orderChanged(tx: Tx, _before: Order, after: Order): Promise<void> {
    if (after.status === 'paid') await this.#jobs.enqueueInTransaction(tx, orderConfirmationRequest(after.id));
  }
}
