import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import { ORDERS_PAUSED } from '../../domain/flags/flag-catalog.ts';
import { FeatureSwitchedOffError } from '../../domain/flags/flags.errors.ts';
import type { IdempotencyRef, IdempotencyStore, StoredResponse } from '../../domain/idempotency/idempotency-store.ts';
import { IdempotencyKeyReusedError, RequestInProgressError } from '../../domain/idempotency/idempotency.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import { OrderKeyTakenError, OrderNotPaidError, OrderStateConflictError } from '../../domain/order/order.errors.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DomainError, ValidationError } from '../../domain/shared/domain-error.ts';
import { requirePrincipal } from '../access/access-policy.ts';
import { detached } from '../shared/detached-context.ts';
import type { PlaceOrder, PlaceOrderInput } from './place-order.use-case.ts';

/** What a placement came to, for `render`. */
export type PlacementOutcome =
  | { readonly kind: 'placed'; readonly order: Order }
  /** The order exists but its fate is not known yet; recovery settles it (answer e.g. 202 with the order). */
  | { readonly kind: 'pending'; readonly order: Order }
  /** A refusal after the order was created: declined (402), stock short (409), ... */
  | { readonly kind: 'refused'; readonly error: DomainError };

export interface IdempotentPlaceOrderInput {
  /** The client's Idempotency-Key: 1 to 255 printable ASCII characters. */
  readonly key: string;
  /** `requestFingerprint(method, path, body)` of the request. */
  readonly fingerprint: string;
  readonly order: PlaceOrderInput;
  /** Turns the outcome into the response to send, store and replay: the transport owns its HTTP shape. */
  readonly render: (outcome: PlacementOutcome) => StoredResponse;
}

export interface IdempotentResponse extends StoredResponse {
  /** True when this is the stored response of an earlier request. */
  readonly replayed: boolean;
}

export interface IdempotentPlaceOrderOptions {
  /** How long a key and its response are kept. Default 24 h. */
  readonly ttlMs?: number | undefined;
  /** What a request finding its key in progress is told to wait. Default 1 s. */
  readonly retryAfterMs?: number | undefined;
  /** Budget for bookkeeping after the placement (the caller may be gone). Default 5 s. */
  readonly settleTimeoutMs?: number | undefined;
  /**
   * How long a key may stay in progress before its request is presumed dead
   * (a crash): a retry then answers from the order the request created, or
   * runs afresh when it created none. Must outlast any live request and its
   * settling. Default 30 s.
   */
  readonly staleAfterMs?: number | undefined;
  /**
   * Told when a placement ends with its order still pending (the gateway's
   * answer is not known), so its recovery can be scheduled. Best effort: a
   * failure is logged, and the periodic recovery sweep is the net.
   */
  readonly onPending?: ((ctx: Context, order: Order) => Promise<unknown>) | undefined;
  /** Read for the kill switch `orders.placement.paused`: while on, placements are refused before anything is stored. */
  readonly flags?: FeatureFlags | undefined;
  /** What a refused placement is told to wait (Retry-After). Default 30 s. */
  readonly pausedRetryAfterMs?: number | undefined;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * PlaceOrder behind an Idempotency-Key. A repeat with the same key and
 * request gets the first response; another request under the key is refused
 * (422); a repeat while the first still runs gets 409 with a retry hint.
 * What is stored is decided by whether an order exists:
 * - no order was created (invalid input, unknown products, the database
 *   down before the insert): the key is abandoned, a retry runs afresh;
 * - paid, or refused after creation (declined, stock short): stored, replayed;
 * - failed for an unexpected reason or unavailability: the order decides:
 *   paid → stored as placed; still pending → stored as pending (abandoning
 *   would let a retry create a second order while the first may still be
 *   paid); failed with everything undone → abandoned, a retry runs afresh;
 *   its state unreadable → the key stays in progress until it expires.
 * A key in progress for longer than `staleAfterMs` belongs to a request that
 * died (the process crashed): the order stored under the key tells what it
 * did (paid, still pending, or ended unpaid: OrderNotPaidError), and when
 * there is none the request never had effects and a retry takes the key over.
 */
export class IdempotentPlaceOrder {
  readonly #placeOrder: PlaceOrder;
  readonly #orders: OrderRepository;
  readonly #store: IdempotencyStore;
  readonly #ttlMs: number;
  readonly #retryAfterMs: number;
  readonly #settleTimeoutMs: number;
  readonly #staleAfterMs: number;
  readonly #onPending: ((ctx: Context, order: Order) => Promise<unknown>) | undefined;
  readonly #flags: FeatureFlags | undefined;
  readonly #pausedRetryAfterMs: number;

  constructor(placeOrder: PlaceOrder, orders: OrderRepository, store: IdempotencyStore, options: IdempotentPlaceOrderOptions = {}) {
    this.#placeOrder = placeOrder;
    this.#orders = orders;
    this.#store = store;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#retryAfterMs = options.retryAfterMs ?? 1_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 5_000;
    this.#staleAfterMs = options.staleAfterMs ?? 30_000;
    this.#onPending = options.onPending;
    this.#flags = options.flags;
    this.#pausedRetryAfterMs = options.pausedRetryAfterMs ?? 30_000;
  }

  /** @throws FeatureSwitchedOffError, IdempotencyKeyReusedError, RequestInProgressError, ValidationError, and what PlaceOrder throws before its order exists */
  async execute(ctx: Context, input: IdempotentPlaceOrderInput): Promise<IdempotentResponse> {
    const principal = requirePrincipal(ctx);
    // Before the key is claimed: a refused request leaves nothing behind, and its retry runs afresh.
    if (await this.#flags?.isEnabled(ctx, ORDERS_PAUSED, principal.userId)) {
      throw new FeatureSwitchedOffError('new orders are not accepted right now; orders already placed are unaffected', this.#pausedRetryAfterMs);
    }
    if (typeof input.key !== 'string' || !KEY.test(input.key)) {
      throw new ValidationError('the idempotency key is not valid', [{ pointer: '/header/idempotency-key', message: 'must be 1 to 255 printable ASCII characters without spaces' }]);
    }
    if (!FINGERPRINT.test(input.fingerprint)) throw new Error('the fingerprint must be a SHA-256 in hex (see requestFingerprint)');
    const ref: IdempotencyRef = { userId: principal.userId, key: input.key };
    const claim = { ...ref, fingerprint: input.fingerprint, ttlMs: this.#ttlMs };
    const begun = await this.#store.begin(ctx, claim);
    if (begun.state === 'replay') return { status: begun.status, body: begun.body, replayed: true };
    if (begun.state === 'mismatch') throw new IdempotencyKeyReusedError();
    if (begun.state === 'in_progress') {
      if (begun.heldForMs < this.#staleAfterMs) throw new RequestInProgressError(this.#retryAfterMs);
      const answered = await this.#answerForDeadRequest(ctx, ref, input);
      if (answered) return answered;
      if (!(await this.#store.reclaim(ctx, claim, this.#staleAfterMs))) throw new RequestInProgressError(this.#retryAfterMs);
      ctx.log.warn({ idempotencyKey: input.key }, 'an idempotency key was left in progress without an order; the retry runs the request afresh');
    }

    const outcome = await this.#place(ctx, ref, { ...input.order, idempotencyKey: input.key });
    const onPending = this.#onPending;
    if (outcome.kind === 'pending' && onPending) {
      await this.#bookkeep(ctx, 'scheduling the recovery of a pending order failed; the recovery sweep will find it', (settling) => onPending(settling, outcome.order));
    }
    const response = input.render(outcome);
    await this.#bookkeep(ctx, 'storing the response of an idempotent request failed; the key stays in progress until it expires', (settling) =>
      this.#store.complete(settling, ref, response),
    );
    return { ...response, replayed: false };
  }

  // The answer from the order a dead request created under the key; undefined when it created none.
  async #answerForDeadRequest(ctx: Context, ref: IdempotencyRef, input: IdempotentPlaceOrderInput): Promise<IdempotentResponse | undefined> {
    const order = await this.#orders.findByIdempotencyKey(ctx, ref.userId, ref.key);
    if (!order) return undefined;
    if (order.status === 'pending') return { ...input.render({ kind: 'pending', order }), replayed: true };
    // Settled: stored, so every later retry gets this very answer.
    const response = input.render(order.status === 'paid' ? { kind: 'placed', order } : { kind: 'refused', error: new OrderNotPaidError(order) });
    await this.#bookkeep(ctx, 'storing the answer for a dead request failed; the next retry reads the order again', (settling) =>
      this.#store.complete(settling, ref, response),
    );
    return { ...response, replayed: true };
  }

  // The outcome to store, or the error to throw once the key was abandoned (or must stay in progress).
  async #place(ctx: Context, ref: IdempotencyRef, input: PlaceOrderInput): Promise<PlacementOutcome> {
    let created: Order | undefined;
    try {
      const order = await this.#placeOrder.execute(ctx, input, {
        orderCreated: (order) => {
          created = order;
        },
      });
      return { kind: 'placed', order };
    } catch (error) {
      // Another request under the key created the order: it owns the key now.
      if (error instanceof OrderKeyTakenError) throw new RequestInProgressError(this.#retryAfterMs);
      if (!created) {
        await this.#abandon(ctx, ref);
        throw error;
      }
      if (error instanceof DomainError && error.kind !== 'unavailable' && !(error instanceof OrderStateConflictError)) return { kind: 'refused', error };
      const current = await this.#bookkeep(ctx, 'the order of a failed placement could not be read; its key stays in progress until it expires', (settling) =>
        this.#orders.findById(settling, created!.id),
      );
      if (current?.status === 'paid') return { kind: 'placed', order: current };
      if (current?.status === 'pending') return { kind: 'pending', order: current };
      if (current) await this.#abandon(ctx, ref);
      throw error;
    }
  }

  async #abandon(ctx: Context, ref: IdempotencyRef): Promise<void> {
    await this.#bookkeep(ctx, 'abandoning an idempotency key failed; it stays in progress until it expires', (settling) => this.#store.abandon(settling, ref));
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
