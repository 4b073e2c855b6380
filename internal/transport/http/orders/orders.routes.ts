import { Router, type Request } from 'express';
import type { CancelOrder } from '../../../app/orders/cancel-order.use-case.ts';
import type { GetOrder } from '../../../app/orders/get-order.use-case.ts';
import type { IdempotentPlaceOrder, PlacementOutcome } from '../../../app/orders/idempotent-place-order.ts';
import type { ListOrders } from '../../../app/orders/list-orders.use-case.ts';
import { requestFingerprint } from '../../../app/orders/request-fingerprint.ts';
import { toProblem } from '../error-handler.ts';
import { problemBody } from '../problem.ts';
import { toOrderDto, type OrderPageDto, type PlaceOrderRequest } from './order.dto.ts';

export interface OrderUseCases {
  readonly placeOrder: IdempotentPlaceOrder;
  readonly getOrder: GetOrder;
  readonly listOrders: ListOrders;
  readonly cancelOrder: CancelOrder;
}

// The response is stored under the Idempotency-Key and replayed as it was.
function render(req: Request, outcome: PlacementOutcome): { status: number; body: unknown } {
  if (outcome.kind === 'placed') return { status: 201, body: toOrderDto(outcome.order) };
  if (outcome.kind === 'pending') return { status: 202, body: toOrderDto(outcome.order) };
  const problem = toProblem(outcome.error);
  return { status: problem.status, body: problemBody(req, problem) };
}

export function ordersRouter(useCases: OrderUseCases): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = req.body as PlaceOrderRequest;
    const result = await useCases.placeOrder.execute(req.ctx, {
      key: req.header('idempotency-key') ?? '',
      fingerprint: requestFingerprint('POST', '/v1/orders', body),
      order: { lines: body.lines.map((line) => ({ productId: line.product_id, quantity: line.quantity })), cardToken: body.payment.card_token },
      render: (outcome) => render(req, outcome),
    });
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    const order = result.body as { id?: string; status?: unknown };
    if (result.status < 300 && order.id) res.location(`/v1/orders/${order.id}`);
    res.status(result.status).type(result.status < 300 ? 'application/json' : 'application/problem+json').send(JSON.stringify(result.body));
  });

  router.get('/', async (req, res) => {
    const page = await useCases.listOrders.execute(req.ctx, {
      limit: Number(req.query.limit ?? 50),
      cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined,
      userId: typeof req.query.user_id === 'string' ? req.query.user_id : undefined,
      status: typeof req.query.status === 'string' ? req.query.status : undefined,
    });
    const body: OrderPageDto = { items: page.items.map(toOrderDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  router.get('/:id', async (req, res) => {
    res.json(toOrderDto(await useCases.getOrder.execute(req.ctx, req.params.id)));
  });

  router.post('/:id/cancel', async (req, res) => {
    res.json(toOrderDto(await useCases.cancelOrder.execute(req.ctx, req.params.id)));
  });

  return router;
}
