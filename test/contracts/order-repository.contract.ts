import { setTimeout as sleep } from 'node:timers/promises';
import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Context } from '../../internal/domain/shared/context.ts';
import { markCancelled, markPaid, markPaymentFailed, type NewOrder, type Order } from '../../internal/domain/order/order.ts';
import { OrderKeyTakenError, OrderNotFoundError, OrderStateConflictError } from '../../internal/domain/order/order.errors.ts';
import type { OrderRepository } from '../../internal/domain/order/order-repository.ts';

export interface OrderRepositoryFixture {
  readonly repo: OrderRepository;
  /** A user orders may belong to (PostgreSQL checks the foreign key). */
  readonly givenUser: () => Promise<string>;
  /** A product order lines may name. */
  readonly givenProduct: () => Promise<string>;
  /** Leaves the store as empty as `setup` found it. */
  readonly cleanup: () => void | Promise<void>;
}

// Built here rather than imported from test/: production folders may not import test code.

/**
 * The behaviour every `OrderRepository` adapter must show. `setup` runs
 * before each test and must hand out an empty store; `cleanup` runs after it.
 */
export function describeOrderRepositoryContract(name: string, setup: () => OrderRepositoryFixture | Promise<OrderRepositoryFixture>): void {
  describe(`OrderRepository contract: ${name}`, () => {
    const ctx = testContext();
    let fixture: OrderRepositoryFixture;
    let repo: OrderRepository;

    beforeEach(async () => {
      fixture = await setup();
      repo = fixture.repo;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const newOrder = async (userId: string, lines = 1, unitPrice = 1250): Promise<NewOrder> => {
      const products: string[] = [];
      for (let i = 0; i < lines; i += 1) products.push(await fixture.givenProduct());
      const orderLines = products.map((productId, i) => ({ productId, quantity: i + 1, unitPrice: { amountMinor: unitPrice, currency: 'EUR' } }));
      const total = orderLines.reduce((sum, line) => sum + line.quantity * unitPrice, 0);
      return { id: uuidv7(), userId, lines: orderLines, total: { amountMinor: total, currency: 'EUR' } };
    };

    const createOrders = async (userId: string, count: number): Promise<Order[]> => {
      const orders: Order[] = [];
      for (let i = 0; i < count; i += 1) orders.push(await repo.create(ctx, await newOrder(userId)));
      return orders;
    };

    const newestFirst = (orders: readonly Order[]) => [...orders].sort((a, b) => (a.id < b.id ? 1 : -1));

    describe('create and findById', () => {
      it('when an order is created, then it is pending at version 1 with its lines in the given order', async () => {
        const input = await newOrder(await fixture.givenUser(), 3);

        const created = await repo.create(ctx, input);
        const found = await repo.findById(ctx, input.id);

        expect(created).toMatchObject({ ...input, status: 'pending', authorizationId: undefined, failureCode: undefined, version: 1 });
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(created.updatedAt).toBeInstanceOf(Date);
        expect(found).toEqual(created);
      });

      it('when amounts go beyond 32 bits, then they come back exactly, as numbers', async () => {
        const input = await newOrder(await fixture.givenUser(), 2, 2 ** 40);

        await repo.create(ctx, input);
        const found = await repo.findById(ctx, input.id);

        expect(found?.total).toEqual({ amountMinor: 3 * 2 ** 40, currency: 'EUR' });
        expect(found?.lines.map((line) => line.unitPrice.amountMinor)).toEqual([2 ** 40, 2 ** 40]);
      });

      it('when no order has the id, then findById returns undefined', async () => {
        await createOrders(await fixture.givenUser(), 1);

        expect(await repo.findById(ctx, uuidv7())).toBeUndefined();
      });

      it('when the caller mutates a returned order, then the stored order does not change', async () => {
        const created = await repo.create(ctx, await newOrder(await fixture.givenUser()));
        const mutable = created as unknown as { status: string; lines: { quantity: number }[]; total: { amountMinor: number } };

        mutable.status = 'paid';
        mutable.lines[0]!.quantity = 999;
        mutable.total.amountMinor = 1;

        expect(await repo.findById(ctx, created.id)).toMatchObject({ status: 'pending', lines: [{ quantity: 1 }], total: { amountMinor: 1250 } });
      });
    });

    describe('idempotency key', () => {
      it('when an order is created with a key, then it is found by its user and key, and by no one else', async () => {
        const userId = await fixture.givenUser();
        const otherUser = await fixture.givenUser();
        const created = await repo.create(ctx, { ...(await newOrder(userId)), idempotencyKey: 'key-1' });

        expect(await repo.findByIdempotencyKey(ctx, userId, 'key-1')).toEqual(created);
        expect(await repo.findByIdempotencyKey(ctx, userId, 'key-2')).toBeUndefined();
        expect(await repo.findByIdempotencyKey(ctx, otherUser, 'key-1')).toBeUndefined();
      });

      it('when a second order is created under the same user and key, then OrderKeyTakenError is thrown and nothing is stored', async () => {
        const userId = await fixture.givenUser();
        const first = await repo.create(ctx, { ...(await newOrder(userId)), idempotencyKey: 'same' });
        const second = { ...(await newOrder(userId)), idempotencyKey: 'same' };

        await expect(repo.create(ctx, second)).rejects.toBeInstanceOf(OrderKeyTakenError);

        expect(await repo.findById(ctx, second.id)).toBeUndefined();
        expect(await repo.findByIdempotencyKey(ctx, userId, 'same')).toMatchObject({ id: first.id });
      });

      it('when the order under a key failed, then it lets go of the key: a new order takes it and is the one found', async () => {
        const userId = await fixture.givenUser();
        const failed = await repo.create(ctx, { ...(await newOrder(userId)), idempotencyKey: 'retry-me' });
        await repo.update(ctx, failed.id, (order) => markPaymentFailed(order, 'payment_unavailable'));

        const retried = await repo.create(ctx, { ...(await newOrder(userId)), idempotencyKey: 'retry-me' });

        expect(await repo.findByIdempotencyKey(ctx, userId, 'retry-me')).toMatchObject({ id: retried.id, status: 'pending' });
        await expect(repo.create(ctx, { ...(await newOrder(userId)), idempotencyKey: 'retry-me' })).rejects.toBeInstanceOf(OrderKeyTakenError);
      });

      it('when other users or keyless orders share nothing, then they are created freely', async () => {
        const created = await Promise.all([
          repo.create(ctx, { ...(await newOrder(await fixture.givenUser())), idempotencyKey: 'shared' }),
          repo.create(ctx, { ...(await newOrder(await fixture.givenUser())), idempotencyKey: 'shared' }),
          repo.create(ctx, await newOrder(await fixture.givenUser())),
          repo.create(ctx, await newOrder(await fixture.givenUser())),
        ]);

        expect(created).toHaveLength(4);
      });
    });

    describe('listForUser', () => {
      it("when a user is given, then only that user's orders are listed, newest first", async () => {
        const ada = await fixture.givenUser();
        const grace = await fixture.givenUser();
        const adas = await createOrders(ada, 3);
        await createOrders(grace, 2);

        const page = await repo.listForUser(ctx, ada, { limit: 10 });

        expect(page).toEqual(newestFirst(adas));
      });

      it("when no user is given, then everyone's orders are listed, newest first", async () => {
        const all = [...(await createOrders(await fixture.givenUser(), 2)), ...(await createOrders(await fixture.givenUser(), 2))];

        const page = await repo.listForUser(ctx, undefined, { limit: 10 });

        expect(page).toEqual(newestFirst(all));
      });

      it('when a limit, a beforeId and a status are given, then they all apply', async () => {
        const user = await fixture.givenUser();
        const orders = await createOrders(user, 5);
        for (const order of [orders[0]!, orders[1]!, orders[3]!]) await repo.update(ctx, order.id, (current) => markPaid(current, `auth-${current.id}`));

        const page = await repo.listForUser(ctx, user, { limit: 1, beforeId: orders[3]!.id, status: 'paid' });
        const pending = await repo.listForUser(ctx, user, { limit: 10, status: 'pending' });

        expect(page.map((order) => order.id)).toEqual([orders[1]!.id]);
        expect(pending.map((order) => order.id)).toEqual([orders[4]!.id, orders[2]!.id]);
      });

      it('when orders are created between pages, then paging on neither skips nor repeats an older order', async () => {
        const user = await fixture.givenUser();
        const existing = await createOrders(user, 5);
        const seen: string[] = [];

        seen.push(...(await repo.listForUser(ctx, user, { limit: 2 })).map((order) => order.id));
        await createOrders(user, 2);
        for (let page = await repo.listForUser(ctx, user, { limit: 2, beforeId: seen.at(-1) }); page.length > 0; page = await repo.listForUser(ctx, user, { limit: 2, beforeId: seen.at(-1) })) {
          seen.push(...page.map((order) => order.id));
        }

        expect(seen).toEqual(newestFirst(existing).map((order) => order.id));
      });
    });

    describe('update', () => {
      it('when the change moves the order on, then it is saved with the next version', async () => {
        const [order] = await createOrders(await fixture.givenUser(), 1);

        const paid = await repo.update(ctx, order!.id, (current) => markPaid(current, 'auth-1'));

        expect(paid).toMatchObject({ id: order!.id, status: 'paid', authorizationId: 'auth-1', version: 2 });
        expect(paid.updatedAt.getTime()).toBeGreaterThanOrEqual(order!.updatedAt.getTime());
        expect(await repo.findById(ctx, order!.id)).toEqual(paid);
      });

      it('when a failure code and a declined authorization are set, then both are saved', async () => {
        const [order] = await createOrders(await fixture.givenUser(), 1);

        await repo.update(ctx, order!.id, (current) => markPaymentFailed(current, 'insufficient_funds', 'auth-declined'));

        expect(await repo.findById(ctx, order!.id)).toMatchObject({ status: 'payment_failed', failureCode: 'insufficient_funds', authorizationId: 'auth-declined' });
      });

      it('when the change returns the order unchanged, then nothing is saved', async () => {
        const [order] = await createOrders(await fixture.givenUser(), 1);

        const same = await repo.update(ctx, order!.id, (current) => current);

        expect(same).toEqual(order);
        expect(await repo.findById(ctx, order!.id)).toEqual(order);
      });

      it('when the change throws, then the error comes through and nothing is saved', async () => {
        const [order] = await createOrders(await fixture.givenUser(), 1);

        const cancelling = repo.update(ctx, order!.id, (current) => markCancelled(current));

        await expect(cancelling).rejects.toBeInstanceOf(OrderStateConflictError);
        expect(await repo.findById(ctx, order!.id)).toEqual(order);
      });

      it('when no order has the id, then OrderNotFoundError is thrown', async () => {
        await expect(repo.update(ctx, uuidv7(), (current) => current)).rejects.toBeInstanceOf(OrderNotFoundError);
      });

      it('when two updates of one order race, then the second sees what the first saved', async () => {
        const [order] = await createOrders(await fixture.givenUser(), 1);

        const paying = repo.update(ctx, order!.id, async (current) => {
          await sleep(50);
          return markPaid(current, 'auth-slow');
        });
        await sleep(10);
        const cancelling = repo.update(ctx, order!.id, (current) => markCancelled(current));

        expect(await paying).toMatchObject({ status: 'paid', version: 2 });
        expect(await cancelling).toMatchObject({ status: 'cancelled', authorizationId: 'auth-slow', version: 3 });
      });
    });

    describe('resolveStalePending', () => {
      const pay = (order: Order) => markPaid(order, `auth-${order.id}`);

      it('when pending orders are older than the threshold, then they are resolved oldest first, up to the limit', async () => {
        const user = await fixture.givenUser();
        const old = await createOrders(user, 3);
        await repo.update(ctx, old[0]!.id, pay);
        await sleep(400);
        await createOrders(user, 1);

        const outcomes = await repo.resolveStalePending(ctx, { olderThanMs: 200, limit: 1 }, pay);
        const rest = await repo.resolveStalePending(ctx, { olderThanMs: 200, limit: 10 }, pay);

        expect(outcomes).toEqual([{ orderId: old[1]!.id, order: await repo.findById(ctx, old[1]!.id) }]);
        expect(outcomes[0]).toMatchObject({ order: { status: 'paid', version: 2 } });
        expect(rest.map((outcome) => outcome.orderId)).toEqual([old[2]!.id]);
        expect(await repo.listForUser(ctx, user, { limit: 10, status: 'pending' })).toHaveLength(1);
      });

      it('when resolving an order throws, then it is reported, stays as it was, and the run goes on', async () => {
        const orders = await createOrders(await fixture.givenUser(), 2);
        await sleep(20);
        const failure = new Error('the gateway is down');

        const outcomes = await repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 10 }, (order) => {
          if (order.id === orders[0]!.id) throw failure;
          return pay(order);
        });

        expect(outcomes).toEqual([
          { orderId: orders[0]!.id, error: failure },
          { orderId: orders[1]!.id, order: await repo.findById(ctx, orders[1]!.id) },
        ]);
        expect(await repo.findById(ctx, orders[0]!.id)).toEqual(orders[0]);
      });

      it('when two runs race, then every order is resolved exactly once', async () => {
        const orders = await createOrders(await fixture.givenUser(), 6);
        await sleep(20);
        const seen: string[] = [];
        const slowPay = async (order: Order) => {
          seen.push(order.id);
          await sleep(15);
          return pay(order);
        };

        const runs = await Promise.all([
          repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 10 }, slowPay),
          repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 10 }, slowPay),
        ]);

        expect([...seen].sort()).toEqual(orders.map((order) => order.id).sort());
        expect(runs.flat().map((outcome) => outcome.orderId).sort()).toEqual(orders.map((order) => order.id).sort());
      });
    });

    describe('cancellation', () => {
      it.each<[string, (repo: OrderRepository, ctx: Context, order: Order) => Promise<unknown>]>([
        ['findById', (repo, ctx, order) => repo.findById(ctx, order.id)],
        ['listForUser', (repo, ctx) => repo.listForUser(ctx, undefined, { limit: 10 })],
        ['update', (repo, ctx, order) => repo.update(ctx, order.id, (current) => markPaid(current, 'late'))],
      ])('when the context is already aborted, then %s rejects and nothing changes', async (_, call) => {
        const [order] = await createOrders(await fixture.givenUser(), 1);
        const controller = new AbortController();
        controller.abort(new Error('the caller went away'));

        await expect(call(repo, { ...ctx, signal: controller.signal }, order!)).rejects.toBeDefined();
        expect(await repo.findById(ctx, order!.id)).toEqual(order);
      });
    });
  });
}
