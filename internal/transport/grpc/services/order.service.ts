import { Status, ServerError } from 'nice-grpc';
import type { CancelOrder } from '../../../app/orders/cancel-order.use-case.ts';
import type { GetOrder } from '../../../app/orders/get-order.use-case.ts';
import type { ListOrders } from '../../../app/orders/list-orders.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { OrderServiceImplementation } from '../generated/ordersvc/v1/order.ts';
import { toOrder } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';

export interface OrderUseCases {
  readonly getOrder: GetOrder;
  readonly listOrders: ListOrders;
  readonly cancelOrder: CancelOrder;
}

const STATUS_MAX = 32;

export function orderService(useCases: OrderUseCases): OrderServiceImplementation<RpcContextExt> {
  return {
    placeOrder() {
      // Waits for the placement use-case that returns an outcome (issue 12); until then REST places orders.
      return Promise.reject(new ServerError(Status.UNIMPLEMENTED, 'PlaceOrder is not served over gRPC yet; use POST /v1/orders'));
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
