import type { CancelOrder } from '../../../app/orders/cancel-order.use-case.ts';
import type { GetOrder } from '../../../app/orders/get-order.use-case.ts';
import type { ListOrders } from '../../../app/orders/list-orders.use-case.ts';
import type { PlaceOrder } from '../../../app/orders/place-order.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { OrderServiceImplementation } from '../generated/ordersvc/v1/order.ts';
import { toOrder } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';

export interface OrderUseCases {
  readonly placeOrder: PlaceOrder;
  readonly getOrder: GetOrder;
  readonly listOrders: ListOrders;
  readonly cancelOrder: CancelOrder;
}

const STATUS_MAX = 32;
// As the REST contract: up to 100 lines of 1 to 1000 units; keys and tokens are the use-case's to check.
const LINES_MAX = 100;
const QUANTITY_MAX = 1000;
const KEY_MAX = 255;

export function orderService(useCases: OrderUseCases): OrderServiceImplementation<RpcContextExt> {
  return {
    // The same command under the same key as a REST POST /v1/orders is the same request: its outcome is replayed.
    async placeOrder(request, { ctx }) {
      const checks = new RequestChecks();
      checks.text('idempotency_key', request.idempotencyKey, KEY_MAX);
      if (request.lines.length === 0 || request.lines.length > LINES_MAX) checks.fail('lines', `must hold 1 to ${LINES_MAX} lines`);
      const lines = request.lines.map((line, index) => ({
        productId: checks.id(`lines[${index}].product_id`, line.productId),
        quantity: checks.wholeNumber(`lines[${index}].quantity`, line.quantity, 1, QUANTITY_MAX),
      }));
      const cardToken = checks.text('payment.card_token', request.payment?.cardToken ?? '', KEY_MAX);
      checks.done();
      const outcome = await useCases.placeOrder.execute(ctx, { idempotencyKey: request.idempotencyKey, lines, cardToken });
      // A refusal, fresh or replayed, is a status with its details (the one map).
      if (outcome.kind === 'refused') throw outcome.error;
      return { order: toOrder(outcome.order), pending: outcome.kind === 'pending', replayed: outcome.replayed };
    },

    async getOrder(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      checks.done();
      return { order: toOrder(await useCases.getOrder.execute(ctx, id)) };
    },

    async listOrders(request, { ctx }) {
      const checks = new RequestChecks();
      const limit = checks.pageSize('page_size', request.pageSize);
      const cursor = checks.pageToken('page_token', request.pageToken);
      const userId = checks.optionalId('user_id', request.userId);
      const status = checks.text('status', request.status, STATUS_MAX, { required: false });
      checks.done();
      const page = await useCases.listOrders.execute(ctx, { limit, cursor, userId, status: status || undefined });
      return { orders: page.items.map(toOrder), nextPageToken: page.nextCursor ?? '' };
    },

    async cancelOrder(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      checks.done();
      return { order: toOrder(await useCases.cancelOrder.execute(ctx, id)) };
    },
  };
}
