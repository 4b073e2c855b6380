import { Router, type Response } from 'express';
import type { CancelOrder } from '../../../app/orders/cancel-order.use-case.ts';
import type { GetOrder } from '../../../app/orders/get-order.use-case.ts';
import type { ListOrders } from '../../../app/orders/list-orders.use-case.ts';
import type { PlaceOrder, PlacementOutcome } from '../../../app/orders/place-order.use-case.ts';
import { toProblem } from '../error-handler.ts';
import { sendProblem } from '../problem.ts';
import { toOrderDto, type OrderPageDto, type PlaceOrderRequest } from './order.dto.ts';

export interface OrderUseCases {
  readonly placeOrder: PlaceOrder;
  readonly getOrder: GetOrder;
  readonly listOrders: ListOrders;
  readonly cancelOrder: CancelOrder;
}

// An order placed: 201, still pending: 202, both with its Location. A replay says so in Idempotent-Replayed.
function sendOrder(res: Response, outcome: PlacementOutcome & { kind: 'placed' | 'pending' }): void {
  res.location(`/v1/orders/${outcome.order.id}`);
  res.status(outcome.kind === 'placed' ? 201 : 202).type('application/json').send(JSON.stringify(toOrderDto(outcome.order)));
}

export function ordersRouter(useCases: OrderUseCases): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = req.body as PlaceOrderRequest;
    const outcome = await useCases.placeOrder.execute(req.ctx, {
      idempotencyKey: req.header('idempotency-key') ?? '',
      lines: body.lines.map((line) => ({ productId: line.product_id, quantity: line.quantity })),
      cardToken: body.payment.card_token,
    });
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (outcome.kind !== 'refused') return sendOrder(res, outcome);
    // A fresh refusal is answered like any failure; a replayed one as it was first (with the first request's trace id).
    if (!outcome.replayed) throw outcome.error;
    sendProblem(req, res, toProblem(outcome.error, req.method), outcome.traceId);
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
