import type { Authorization, AuthorizationState, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { Order, OrderStatus } from '../../domain/order/order.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { mapWithLimit } from '../shared/map-with-limit.ts';
import { requireSystemOrAdmin } from './order-access.ts';
import { RECONCILE_CURSOR } from './order-cursor.ts';

export const RECONCILE_PAGE_MAX = 500;

/** What the gateway may hold for an order in each settled status ('none': nothing at all). */
const AGREEING: Readonly<Record<Exclude<OrderStatus, 'pending'>, readonly (AuthorizationState | 'none')[]>> = {
  paid: ['approved', 'captured'],
  cancelled: ['voided', 'refunded'],
  payment_failed: ['none', 'declined', 'voided', 'refunded'],
  rejected: ['none', 'declined', 'voided', 'refunded'],
};

export interface Discrepancy {
  readonly orderId: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly authorizationId: string | undefined;
  readonly gatewayState: AuthorizationState | 'none';
  /** state: the gateway's state does not fit the status; authorization: another authorization id; amount: another amount. */
  readonly problem: 'state' | 'authorization' | 'amount';
}

export interface ReconcileInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface ReconcileReport {
  readonly checked: number;
  readonly discrepancies: readonly Discrepancy[];
  /** Orders the gateway could not be asked about this time. */
  readonly unchecked: readonly string[];
  readonly nextCursor: string | null;
}

/**
 * Compares a page of settled orders (newest first) with what the gateway
 * holds for them and reports every disagreement: paid but voided at the
 * gateway, cancelled or failed but still charged, ... It changes nothing.
 * Pending orders are recovery's business and are skipped.
 */
export class ReconcileOrders {
  readonly #orders: OrderRepository;
  readonly #gateway: PaymentGateway;
  readonly #concurrency: number;

  constructor(orders: OrderRepository, gateway: PaymentGateway, options: { concurrency?: number | undefined } = {}) {
    this.#orders = orders;
    this.#gateway = gateway;
    this.#concurrency = options.concurrency ?? 4;
  }

  async execute(ctx: Context, input: ReconcileInput): Promise<ReconcileReport> {
    requireSystemOrAdmin(ctx, 'reconcile orders');
    if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > RECONCILE_PAGE_MAX) {
      throw new ValidationError('the reconciliation is not valid', [{ field: 'limit', message: `must be a whole number from 1 to ${RECONCILE_PAGE_MAX}` }]);
    }
    const beforeId = input.cursor === undefined ? undefined : RECONCILE_CURSOR.decode(input.cursor);
    const rows = await this.#orders.listForUser(ctx, undefined, { limit: input.limit + 1, beforeId });
    const page = rows.slice(0, input.limit);
    const settled = page.filter((order) => order.status !== 'pending');
    const results = await mapWithLimit(settled, this.#concurrency, async (order) => {
      try {
        return { order, found: await this.#gateway.findByIdempotencyKey(ctx, order.id) };
      } catch (error) {
        ctx.log.warn({ orderId: order.id, err: error }, 'the gateway could not be asked about an order');
        return { order, failed: true as const };
      }
    });
    const discrepancies = results.flatMap((result) => ('failed' in result ? [] : compare(result.order, result.found)));
    const last = page.at(-1);
    return {
      checked: results.length - results.filter((result) => 'failed' in result).length,
      discrepancies,
      unchecked: results.flatMap((result) => ('failed' in result ? [result.order.id] : [])),
      nextCursor: rows.length > input.limit && last ? RECONCILE_CURSOR.encode(last.id) : null,
    };
  }
}

function compare(order: Order, found: Authorization | undefined): Discrepancy[] {
  if (order.status === 'pending') return [];
  const gatewayState = found?.state ?? 'none';
  const report = (problem: Discrepancy['problem']): Discrepancy[] => [
    { orderId: order.id, userId: order.userId, status: order.status, authorizationId: order.authorizationId, gatewayState, problem },
  ];
  if (!AGREEING[order.status].includes(gatewayState)) return report('state');
  if (!found) return [];
  if (order.authorizationId !== undefined && order.authorizationId !== found.authorizationId) return report('authorization');
  if (found.amount.amountMinor !== order.total.amountMinor || found.amount.currency !== order.total.currency) return report('amount');
  return [];
}
