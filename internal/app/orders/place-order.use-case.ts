import type { AuthorizationResult, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import { checkOrderLines, priceOrder, type NewOrder, type Order, type OrderLineInput } from '../../domain/order/order.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import { applyPromotion, type Promotion } from '../../domain/order/promotion.ts';
import type { ProductCatalog } from '../../domain/order/product-catalog.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { detached } from '../shared/detached-context.ts';
import { PlacementSettlement } from './placement-settlement.ts';

export interface PlaceOrderInput {
  readonly lines: readonly OrderLineInput[];
  /** The gateway's token for the card: passed on, never stored or logged. */
  readonly cardToken: string;
  /** The Idempotency-Key of the request, stored with the order (one order per user and key). */
  readonly idempotencyKey?: string | undefined;
}

export interface PlaceOrderOptions {
  readonly newId: () => string;
  /** Budget for settling an order once it exists (undo, final status), whatever the caller's deadline. */
  readonly settleTimeoutMs?: number | undefined;
  /** The canary variant of pricing: requests on the canary channel get this promotion; stable ones pay list prices. */
  readonly canaryPromotion?: Promotion | undefined;
}

/** Told as soon as the order exists: from then on the request has effects. */
export interface PlacementObserver {
  orderCreated(order: Order): void;
}

// Printable ASCII without spaces, as gateway tokens are.
const CARD_TOKEN = /^[\x21-\x7e]{1,255}$/;

export class PlaceOrder {
  readonly #orders: OrderRepository;
  readonly #catalog: ProductCatalog;
  readonly #reservations: StockReservations;
  readonly #gateway: PaymentGateway;
  readonly #settlement: PlacementSettlement;
  readonly #newId: () => string;
  readonly #settleTimeoutMs: number;
  readonly #canaryPromotion: Promotion | undefined;

  constructor(orders: OrderRepository, catalog: ProductCatalog, reservations: StockReservations, gateway: PaymentGateway, options: PlaceOrderOptions) {
    this.#orders = orders;
    this.#catalog = catalog;
    this.#reservations = reservations;
    this.#gateway = gateway;
    this.#settlement = new PlacementSettlement(orders, reservations, gateway);
    this.#newId = options.newId;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
    this.#canaryPromotion = options.canaryPromotion;
  }

  /**
   * The caller orders for themselves: the lines are priced at current prices,
   * the order is stored `pending`, then stock is reserved while the card is
   * authorized (key: the order id), and the order ends `paid`, `rejected` or
   * `payment_failed` with whatever was done undone. When the outcome cannot
   * be known the order stays `pending` for recovery.
   * @throws AuthenticationRequiredError, ValidationError, UnknownProductError, MixedCurrenciesError, OrderKeyTakenError,
   *   InsufficientStockError, PaymentDeclinedError, PaymentUnavailableError
   */
  async execute(ctx: Context, input: PlaceOrderInput, observer?: PlacementObserver): Promise<Order> {
    const principal = requirePrincipal(ctx);
    const lines = checkOrderLines(input.lines);
    checkCardToken(input.cardToken);
    const products = await this.#catalog.findMany(ctx, lines.map((line) => line.productId));
    const priced = this.#price(ctx, priceOrder(this.#newId(), principal.userId, lines, products));
    const order = await this.#orders.create(ctx, { ...priced, idempotencyKey: input.idempotencyKey });
    observer?.orderCreated(order);
    const [reservation, authorization] = await this.#reserveAndAuthorize(ctx, order, input.cardToken);
    return this.#settlement.settle(detached(ctx, this.#settleTimeoutMs), order, reservation, authorization);
  }

  // The gray release: the canary channel prices with the promotion, stable at list prices.
  #price(ctx: Context, order: NewOrder): NewOrder {
    return ctx.channel === 'canary' && this.#canaryPromotion ? applyPromotion(order, this.#canaryPromotion) : order;
  }

  // Both at once; a failed reservation aborts the authorization still in flight.
  async #reserveAndAuthorize(ctx: Context, order: Order, cardToken: string): Promise<[PromiseSettledResult<Product[]>, PromiseSettledResult<AuthorizationResult>]> {
    const stopPayment = new AbortController();
    const reserving = this.#reservations.reserve(ctx, order.id, order.lines).catch((error: unknown) => {
      stopPayment.abort(new Error(`the stock of order ${order.id} could not be reserved`));
      throw error;
    });
    const authorizing = this.#gateway.authorize(
      { ...ctx, signal: AbortSignal.any([ctx.signal, stopPayment.signal]) },
      { idempotencyKey: order.id, amount: order.total, cardToken },
    );
    return Promise.allSettled([reserving, authorizing]);
  }
}

function checkCardToken(cardToken: string): void {
  if (typeof cardToken !== 'string' || !CARD_TOKEN.test(cardToken)) {
    throw new ValidationError('the order is not valid', [{ pointer: '/body/card_token', message: 'must be the 1 to 255 character token the payment form returned' }]);
  }
}
