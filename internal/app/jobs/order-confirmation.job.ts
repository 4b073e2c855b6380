import type { JobRequest } from '../../domain/jobs/job.ts';
import type { JobHandler, JobType, ReceivedJob } from '../../domain/jobs/job-handler.ts';
import type { Notifier } from '../../domain/notification/notifier.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import { formatMoney } from '../../domain/product/money.ts';
import { ORDER_ID_PAYLOAD } from './order-id.payload.ts';
import type { Context } from '../../domain/shared/context.ts';

export interface OrderConfirmationPayload {
  readonly orderId: string;
}

export const ORDER_CONFIRMATION: JobType<OrderConfirmationPayload> = {
  type: 'order-confirmation',
  payloadSchema: ORDER_ID_PAYLOAD,
};

/** The job that confirms a paid order to its customer; one per order however often it is enqueued. */
export function orderConfirmationRequest(orderId: string): JobRequest<OrderConfirmationPayload> {
  return { type: ORDER_CONFIRMATION.type, payload: { orderId }, options: { dedupeKey: orderId } };
}

/** Tells the customer their order is paid; a second run of the job sends nothing more. */
export class OrderConfirmationHandler implements JobHandler<OrderConfirmationPayload> {
  readonly jobType = ORDER_CONFIRMATION;
  readonly #orders: OrderRepository;
  readonly #notifier: Notifier;

  constructor(orders: OrderRepository, notifier: Notifier) {
    this.#orders = orders;
    this.#notifier = notifier;
  }

  async handle(ctx: Context, job: ReceivedJob<OrderConfirmationPayload>): Promise<void> {
    const order = await this.#orders.findById(ctx, job.payload.orderId);
    // Thrown, so the job is retried and finally dead-lettered with this reason.
    if (!order) throw new Error(`order ${job.payload.orderId} does not exist`);
    if (order.status !== 'paid' && order.status !== 'cancelled') throw new Error(`order ${order.id} is ${order.status}, not paid`);
    const { sent } = await this.#notifier.send(ctx, {
      dedupeKey: `order-confirmation:${order.id}`,
      recipientUserId: order.userId,
      topic: ORDER_CONFIRMATION.type,
      orderId: order.id,
      subject: `Your order ${order.id} is confirmed`,
      body: `Thank you for your order: ${order.lines.length} line(s), ${formatMoney(order.total)} in total, paid.`,
    });
    ctx.log.info({ order_id: order.id, sent }, sent ? 'order confirmation sent' : 'order confirmation was sent before');
  }
}
