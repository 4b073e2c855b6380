import type { EventOutbox } from '../../domain/events/event-outbox.ts';
import { orderStatusEvent } from '../../domain/events/integration-event.ts';
import type { TransactionalJobQueue } from '../../domain/jobs/job-queue.ts';
import type { OrderFollowUps } from '../../domain/order/order-follow-ups.ts';
import type { Order } from '../../domain/order/order.ts';
import { orderConfirmationRequest } from '../jobs/order-confirmation.job.ts';

/**
 * The follow-ups of an order's changes as jobs enqueued in the transaction
 * of the change: a paid order's confirmation (one per order, deduplicated by
 * its id), and the change's integration event in the outbox (when one is
 * given), written with the same `tx`.
 */
export class OrderFollowUpJobs<Tx> implements OrderFollowUps<Tx> {
  readonly #jobs: TransactionalJobQueue<Tx>;
  readonly #events: EventOutbox<Tx> | undefined;

  constructor(jobs: TransactionalJobQueue<Tx>, events?: EventOutbox<Tx>) {
    this.#jobs = jobs;
    this.#events = events;
  }

  async orderChanged(tx: Tx, before: Order, after: Order): Promise<void> {
    const event = orderStatusEvent(before, after);
    if (event) await this.#events?.append(tx, [event]);
    if (after.status === 'paid') await this.#jobs.enqueueInTransaction(tx, orderConfirmationRequest(after.id));
  }
}
