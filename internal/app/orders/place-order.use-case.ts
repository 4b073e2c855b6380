import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import { ORDERS_PAUSED } from '../../domain/flags/flag-catalog.ts';
import { FeatureSwitchedOffError } from '../../domain/flags/flags.errors.ts';
import type { IdempotencyBegin, IdempotencyRef, IdempotencyStore } from '../../domain/idempotency/idempotency-store.ts';
import { IdempotencyKeyReusedError, RequestInProgressError } from '../../domain/idempotency/idempotency.errors.ts';
import { checkOrderLines, priceOrder, type NewOrder, type Order, type OrderLineInput } from '../../domain/order/order.ts';
import { OrderKeyTakenError, OrderNotPaidError, PlacementInDoubtError } from '../../domain/order/order.errors.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { PendingOrderRecovery } from '../../domain/order/pending-order-recovery.ts';
import type { ProductCatalog } from '../../domain/order/product-catalog.ts';
import { applyPromotion, type Promotion } from '../../domain/order/promotion.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import type { AuthorizationResult, PaymentGateway } from '../../domain/payment/payment-gateway.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError, DomainError, ValidationError } from '../../domain/shared/domain-error.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { detached } from '../shared/detached-context.ts';
import { placementFingerprint } from './placement-fingerprint.ts';
import { fromRecord, toRecord, type PlacementDecision, type PlacementOutcome } from './placement-outcome.ts';
import { settlePlacement, type Settlement } from './placement-settlement.ts';

export type { PlacementDecision, PlacementOutcome } from './placement-outcome.ts';

/** A placement as every transport hands it over. */
export interface PlaceOrderInput {
  /** The client's idempotency key: 1 to 255 printable ASCII characters. */
  readonly idempotencyKey: string;
  readonly lines: readonly OrderLineInput[];
  /** The gateway's token for the card: passed on, never stored or logged. */
  readonly cardToken: string;
}

export interface PlaceOrderPorts {
  readonly orders: OrderRepository;
  readonly catalog: ProductCatalog;
  readonly reservations: StockReservations;
  readonly gateway: PaymentGateway;
  readonly idempotency: IdempotencyStore;
  /** Told about every order a placement leaves pending. Best effort: the recovery sweep is the net. */
  readonly recovery: PendingOrderRecovery;
  /** Read for the kill switch `orders.placement.paused`. */
  readonly flags?: FeatureFlags | undefined;
}

export interface PlaceOrderOptions {
  readonly newId: () => string;
  /** How long a key and its outcome are kept. Default 24 h. */
  readonly ttlMs?: number | undefined;
  /** What a request finding its key in progress is told to wait. Default 1 s. */
  readonly retryAfterMs?: number | undefined;
  /** Budget for settling an order once it exists, and for the bookkeeping after it, whatever the caller's deadline. Default 10 s. */
  readonly settleTimeoutMs?: number | undefined;
  /**
   * How long a key may stay in progress before its request is presumed dead
   * (a crash): a retry then answers from the order the request created, or
   * runs afresh when it created none. Must outlast any live request. Default 30 s.
   */
  readonly staleAfterMs?: number | undefined;
  /** What a placement refused by the kill switch is told to wait. Default 30 s. */
  readonly pausedRetryAfterMs?: number | undefined;
  /** The canary variant of pricing: requests on the canary channel get this promotion; stable ones pay list prices. */
  readonly canaryPromotion?: Promotion | undefined;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
// Printable ASCII without spaces, as gateway tokens are.
const CARD_TOKEN = /^[\x21-\x7e]{1,255}$/;

/**
 * The caller orders for themselves under an idempotency key:
 * 1. the kill switch, then the key is claimed — a repeat of the command gets
 *    the recorded outcome (a pending one from the order's current state),
 *    another command under the key is refused, a repeat while the first runs
 *    is told to come back;
 * 2. the lines are checked and priced at current prices;
 * 3. the order is stored `pending`, then stock is reserved while the card is
 *    authorized (gateway key: the order id);
 * 4. settled: `paid`, or failed with the side that succeeded undone; when the
 *    gateway's answer cannot be known the order stays `pending` and its
 *    recovery is scheduled;
 * 5. the outcome is recorded under the key. A refusal before the order exists
 *    (or one that ended it with everything undone while a dependency was
 *    unavailable) lets go of the key, so a retry runs afresh.
 * The confirmation of a paid order is recorded with the change that made it
 * paid (the repository's follow-ups), not here.
 * @throws only what no outcome can describe: a failing idempotency store, bugs
 */
export class PlaceOrder {
  readonly #ports: PlaceOrderPorts;
  readonly #newId: () => string;
  readonly #ttlMs: number;
  readonly #retryAfterMs: number;
  readonly #settleTimeoutMs: number;
  readonly #staleAfterMs: number;
  readonly #pausedRetryAfterMs: number;
  readonly #canaryPromotion: Promotion | undefined;

  constructor(ports: PlaceOrderPorts, options: PlaceOrderOptions) {
    this.#ports = ports;
    this.#newId = options.newId;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#retryAfterMs = options.retryAfterMs ?? 1_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
    this.#staleAfterMs = options.staleAfterMs ?? 30_000;
    this.#pausedRetryAfterMs = options.pausedRetryAfterMs ?? 30_000;
    this.#canaryPromotion = options.canaryPromotion;
  }

  async execute(ctx: Context, input: PlaceOrderInput): Promise<PlacementOutcome> {
    const refused = (error: DomainError): PlacementOutcome => ({ kind: 'refused', error, replayed: false, traceId: ctx.traceId });
    try {
      // 1. Kill switch and key: a refusal here leaves nothing behind.
      const principal = requirePrincipal(ctx);
      if (await this.#ports.flags?.isEnabled(ctx, ORDERS_PAUSED, principal.userId)) {
        return refused(new FeatureSwitchedOffError('new orders are not accepted right now; orders already placed are unaffected', this.#pausedRetryAfterMs));
      }
      checkKey(input.idempotencyKey);
      const claim: IdempotencyBegin = {
        userId: principal.userId,
        key: input.idempotencyKey,
        fingerprint: placementFingerprint({ userId: principal.userId, lines: input.lines, cardToken: input.cardToken }),
        ttlMs: this.#ttlMs,
      };
      const begun = await this.#ports.idempotency.begin(ctx, claim);
      if (begun.state === 'replay') return await this.#replay(ctx, claim, fromRecord(begun.outcome));
      if (begun.state === 'mismatch') return refused(new IdempotencyKeyReusedError());
      if (begun.state === 'in_progress') {
        if (begun.heldForMs < this.#staleAfterMs) return refused(new RequestInProgressError(this.#retryAfterMs));
        const answer = await this.#answerFromOrderUnder(ctx, claim);
        if (answer) return answer;
        if (!(await this.#ports.idempotency.reclaim(ctx, claim, this.#staleAfterMs))) return refused(new RequestInProgressError(this.#retryAfterMs));
        ctx.log.warn({ idempotencyKey: claim.key }, 'an idempotency key was left in progress without an order; the retry runs the request afresh');
      }
      return await this.#placeUnder(ctx, claim, input);
    } catch (error) {
      if (error instanceof DomainError) return refused(error);
      throw error;
    }
  }

  // 2–5 with the key claimed: every way out either records an outcome or lets go of the key.
  async #placeUnder(ctx: Context, claim: IdempotencyBegin, input: PlaceOrderInput): Promise<PlacementOutcome> {
    const decided = (decision: PlacementDecision): PlacementOutcome => ({ ...decision, replayed: false, traceId: ctx.traceId });
    let order: Order;
    try {
      const lines = checkOrderLines(input.lines);
      checkCardToken(input.cardToken);
      const products = await this.#ports.catalog.findMany(ctx, lines.map((line) => line.productId));
      const priced = this.#price(ctx, priceOrder(this.#newId(), claim.userId, lines, products));
      order = await this.#create(ctx, claim, priced);
    } catch (error) {
      // Another request under the key (one whose record expired) created the order: it tells.
      if (error instanceof OrderKeyTakenError) return (await this.#answerFromOrderUnder(ctx, claim)) ?? decided({ kind: 'refused', error: new RequestInProgressError(this.#retryAfterMs) });
      await this.#letGo(ctx, claim);
      throw error;
    }

    const [reservation, authorization] = await this.#reserveAndAuthorize(ctx, order, input.cardToken);
    // Settling must finish once started, whatever the caller's deadline.
    const settling = detached(ctx, this.#settleTimeoutMs);
    const settlement = await settlePlacement(this.#ports, settling, order, reservation, authorization);
    const outcome = await this.#outcomeOf(settling, claim, order, settlement);
    if (!outcome) return decided({ kind: 'refused', error: new PlacementInDoubtError('the database', settlement.kind === 'unsettled' ? settlement.error : undefined) });
    // Left pending (outcome unknown, or a refusal whose undoing did not finish): recovery settles it.
    const leftPending = outcome.kind === 'pending' ? outcome.order : settlement.kind === 'refused' && !settlement.closed ? order : undefined;
    if (leftPending) await this.#bookkeep(ctx, 'scheduling the recovery of a pending order failed; the recovery sweep will find it', (c) => this.#ports.recovery.schedule(c, leftPending));
    if (outcome.kind === 'refused' && outcome.error.kind === 'unavailable') {
      // Ended with everything undone because a dependency failed: a retry runs afresh.
      await this.#letGo(ctx, claim);
      return decided(outcome);
    }
    const answer = decided(outcome);
    await this.#record(ctx, claim, answer);
    return answer;
  }

  // Creating may have committed even when its answer was lost: from here on the order may exist.
  async #create(ctx: Context, claim: IdempotencyRef, priced: NewOrder): Promise<Order> {
    try {
      return await this.#ports.orders.create(ctx, { ...priced, idempotencyKey: claim.key });
    } catch (error) {
      if (error instanceof DependencyUnavailableError) throw new PlacementInDoubtError('the database', error);
      throw error;
    }
  }

  // The gray release: the canary channel prices with the promotion, stable at list prices.
  #price(ctx: Context, order: NewOrder): NewOrder {
    return ctx.channel === 'canary' && this.#canaryPromotion ? applyPromotion(order, this.#canaryPromotion) : order;
  }

  // Both at once; a failed reservation aborts the authorization still in flight.
  async #reserveAndAuthorize(ctx: Context, order: Order, cardToken: string): Promise<[PromiseSettledResult<Product[]>, PromiseSettledResult<AuthorizationResult>]> {
    const stopPayment = new AbortController();
    const reserving = this.#ports.reservations.reserve(ctx, order.id, order.lines).catch((error: unknown) => {
      stopPayment.abort(new Error(`the stock of order ${order.id} could not be reserved`));
      throw error;
    });
    const authorizing = this.#ports.gateway.authorize(
      { ...ctx, signal: AbortSignal.any([ctx.signal, stopPayment.signal]) },
      { idempotencyKey: order.id, amount: order.total, cardToken },
    );
    return Promise.allSettled([reserving, authorizing]);
  }

  // The outcome a settlement amounts to; when it is unsettled the stored order tells. Undefined: not even that is known.
  async #outcomeOf(ctx: Context, claim: IdempotencyRef, order: Order, settlement: Settlement): Promise<PlacementDecision | undefined> {
    if (settlement.kind === 'paid') return { kind: 'placed', order: settlement.order };
    if (settlement.kind !== 'unsettled') return settlement;
    const current = await this.#bookkeep(ctx, 'the order of a failed placement could not be read; its key stays in progress until it expires', (c) => this.#ports.orders.findById(c, order.id));
    if (current?.status === 'paid') return { kind: 'placed', order: current };
    if (current?.status === 'pending') return { kind: 'pending', order: current };
    if (!current) return undefined;
    // Failed with everything undone (by recovery, or by this request before the failure).
    await this.#letGo(ctx, claim);
    if (settlement.error instanceof DomainError) return { kind: 'refused', error: settlement.error };
    throw settlement.error;
  }

  // A recorded outcome again; a pending one is answered from the order as it is now (and re-recorded once it settled).
  async #replay(ctx: Context, claim: IdempotencyRef, recorded: PlacementOutcome): Promise<PlacementOutcome> {
    if (recorded.kind !== 'pending') return recorded;
    const current = await this.#ports.orders.findById(ctx, recorded.order.id);
    if (!current || current.status === 'pending') return current ? { ...recorded, order: current } : recorded;
    const settled = settledOutcome(current, recorded.traceId);
    await this.#bookkeep(ctx, 'recording how a pending order ended failed; the next repeat reads the order again', (c) => this.#ports.idempotency.revise(c, claim, toRecord(settled)));
    return settled;
  }

  // A request under the key died unanswered (a crash) or its record expired: the order placed under the key says what it did.
  async #answerFromOrderUnder(ctx: Context, claim: IdempotencyRef): Promise<PlacementOutcome | undefined> {
    const order = await this.#ports.orders.findByIdempotencyKey(ctx, claim.userId, claim.key);
    if (!order) return undefined;
    if (order.status === 'pending') return { kind: 'pending', order, replayed: true, traceId: ctx.traceId };
    // Settled: recorded, so every later repeat gets this very answer.
    const settled = settledOutcome(order, ctx.traceId);
    await this.#record(ctx, claim, settled);
    return settled;
  }

  async #record(ctx: Context, claim: IdempotencyRef, outcome: PlacementOutcome): Promise<void> {
    await this.#bookkeep(ctx, 'recording the outcome of an idempotent request failed; the key stays in progress until it expires', (c) => this.#ports.idempotency.complete(c, claim, toRecord(outcome)));
  }

  async #letGo(ctx: Context, claim: IdempotencyRef): Promise<void> {
    await this.#bookkeep(ctx, 'abandoning an idempotency key failed; it stays in progress until it expires', (c) => this.#ports.idempotency.abandon(c, claim));
  }

  // Bookkeeping never replaces the request's own outcome: a failure is logged and yields undefined.
  async #bookkeep<T>(ctx: Context, failure: string, work: (settling: Context) => Promise<T>): Promise<T | undefined> {
    try {
      return await work(detached(ctx, this.#settleTimeoutMs));
    } catch (error) {
      ctx.log.error({ err: error }, failure);
      return undefined;
    }
  }
}

/** What a settled order tells a repeat of the request that placed it. */
function settledOutcome(order: Order, traceId: string): PlacementOutcome {
  return order.status === 'paid'
    ? { kind: 'placed', order, replayed: true, traceId }
    : { kind: 'refused', error: new OrderNotPaidError(order), replayed: true, traceId };
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new ValidationError('the idempotency key is not valid', [{ field: 'idempotency_key', message: 'must be 1 to 255 printable ASCII characters without spaces' }]);
  }
}

function checkCardToken(cardToken: string): void {
  if (typeof cardToken !== 'string' || !CARD_TOKEN.test(cardToken)) {
    throw new ValidationError('the order is not valid', [{ field: 'card_token', message: 'must be the 1 to 255 character token the payment form returned' }]);
  }
}
