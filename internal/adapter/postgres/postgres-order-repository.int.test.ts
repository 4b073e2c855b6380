import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { markCancelled, markPaid, markPaymentFailed } from '../../domain/order/order.ts';
import { OrderStateConflictError } from '../../domain/order/order.errors.ts';
import { describeOrderRepositoryContract } from '../../../test/contracts/order-repository.contract.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import { PostgresOrderRepository } from './postgres-order-repository.ts';
import { PostgresStockReservations } from './postgres-stock-reservations.ts';
import { ReservationClosedError } from '../../domain/order/order.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import { OrderFollowUpJobs } from '../../app/orders/order-follow-up-jobs.ts';
import { PostgresEventOutbox } from './postgres-event-outbox.ts';
import type { StatementParts } from './statement-parts.ts';
import { sql } from 'kysely';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeOrderRepositoryContract('PostgreSQL', () => {
  const rows = orderRows(database);
  return { repo: new PostgresOrderRepository(database.db), givenUser: () => rows.user(), givenProduct: () => rows.product(), cleanup: () => rows.truncate() };
});

// The same contract with the follow-ups (outbox events; the jobs as a recorded part) written by the statement of each change.
describeOrderRepositoryContract('PostgreSQL, follow-ups in the statement', () => {
  const rows = orderRows(database);
  const outbox = new PostgresEventOutbox(uuidv7);
  const followUps = new OrderFollowUpJobs<StatementParts>({ enqueueInTransaction: () => Promise.resolve(undefined) }, outbox.inStatement);
  const cleanup = async () => {
    await rows.truncate();
    await sql`DELETE FROM outbox`.execute(database.db);
  };
  return { repo: new PostgresOrderRepository(database.db, { statementFollowUps: followUps, outbox }), givenUser: () => rows.user(), givenProduct: () => rows.product(), cleanup };
});

describe('PostgresOrderRepository', () => {
  const ctx = testContext();
  const rows = () => orderRows(database);

  afterEach(() => rows().truncate());

  const anOrder = async (userId: string) => ({
    id: uuidv7(),
    userId,
    lines: [{ productId: await rows().product(), quantity: 2, unitPrice: { amountMinor: 500, currency: 'EUR' } }],
    total: { amountMinor: 1000, currency: 'EUR' },
  });

  it('when the user does not exist, then create throws UserNotFoundError and stores nothing', async () => {
    const repo = new PostgresOrderRepository(database.db);
    const ghost = uuidv7();

    await expect(repo.create(ctx, await anOrder(ghost))).rejects.toBeInstanceOf(UserNotFoundError);
    expect(await repo.listForUser(ctx, undefined, { limit: 10 })).toEqual([]);
  });

  describe('the follow-ups of a change', () => {
    it('when the status changes, then the follow-ups see before and after inside the transaction, and what it writes commits with it', async () => {
      const seen: string[] = [];
      const repo = new PostgresOrderRepository(database.db, {
        followUps: {
          orderChanged: async (trx, before, after) => {
            seen.push(`${before.status}->${after.status}`);
            // Inside the transaction, the change is visible.
            const { status } = await trx.selectFrom('orders').select('status').where('id', '=', after.id).executeTakeFirstOrThrow();
            seen.push(`in-transaction:${status}`);
          },
        },
      });
      const order = await repo.create(ctx, await anOrder(await rows().user()));

      await repo.update(ctx, order.id, (current) => current);
      await repo.update(ctx, order.id, (current) => markPaid(current, 'auth-1'));

      expect(seen).toEqual(['pending->paid', 'in-transaction:paid']);
    });

    it('when the follow-ups throw, then the status change is rolled back with it', async () => {
      const repo = new PostgresOrderRepository(database.db, {
        followUps: { orderChanged: () => Promise.reject(new Error('the job could not be enqueued')) },
      });
      const order = await repo.create(ctx, await anOrder(await rows().user()));

      await expect(repo.update(ctx, order.id, (current) => markPaid(current, 'auth-1'))).rejects.toThrow('the job could not be enqueued');

      expect(await repo.findById(ctx, order.id)).toMatchObject({ status: 'pending', version: 1 });
    });
  });

  describe('updateKnown', () => {
    it('when the order is still as known, then the change, its event and what the follow-ups write commit together, found in the same state as update would leave', async () => {
      const seen: string[] = [];
      const repo = new PostgresOrderRepository(database.db, {
        followUps: {
          orderChanged: async (trx, before, after) => {
            const { status } = await trx.selectFrom('orders').select('status').where('id', '=', after.id).executeTakeFirstOrThrow();
            seen.push(`${before.status}->${after.status}, in-transaction:${status}`);
          },
        },
      });
      const order = await repo.create(ctx, await anOrder(await rows().user()));

      const paid = await repo.updateKnown(ctx, order, (current) => markPaid(current, 'auth-1'));

      expect(seen).toEqual(['pending->paid, in-transaction:paid']);
      expect(paid).toEqual(await repo.findById(ctx, order.id));
      expect(paid).toMatchObject({ status: 'paid', authorizationId: 'auth-1', version: 2, lines: order.lines });
      const { rows: events } = await database.pool.query<{ type: string }>('SELECT type FROM activity_events WHERE user_id = $1 ORDER BY id', [order.userId]);
      expect(events.map((event) => event.type)).toEqual(['order_placed', 'order_paid']);
    });

    it('when the order moved on since it was known, then the change applies to what is stored', async () => {
      const repo = new PostgresOrderRepository(database.db);
      const order = await repo.create(ctx, await anOrder(await rows().user()));
      await repo.update(ctx, order.id, (current) => markPaid(current, 'auth-1'));

      await expect(repo.updateKnown(ctx, order, (current) => markPaymentFailed(current, 'declined'))).rejects.toBeInstanceOf(OrderStateConflictError);
      const cancelled = await repo.updateKnown(ctx, order, (current) => (current.status === 'paid' ? markCancelled(current) : current));

      expect(cancelled).toMatchObject({ status: 'cancelled', authorizationId: 'auth-1', version: 3 });
      expect(await repo.findById(ctx, order.id)).toEqual(cancelled);
    });

    it('when the follow-ups throw, then nothing is saved', async () => {
      const repo = new PostgresOrderRepository(database.db, { followUps: { orderChanged: () => Promise.reject(new Error('the job could not be enqueued')) } });
      const order = await repo.create(ctx, await anOrder(await rows().user()));

      await expect(repo.updateKnown(ctx, order, (current) => markPaid(current, 'auth-1'))).rejects.toThrow('the job could not be enqueued');

      expect(await repo.findById(ctx, order.id)).toMatchObject({ status: 'pending', version: 1 });
      const { rows: events } = await database.pool.query<{ type: string }>('SELECT type FROM activity_events WHERE user_id = $1', [order.userId]);
      expect(events.map((event) => event.type)).toEqual(['order_placed']);
    });
  });

  describe('follow-ups in the statement of the change', () => {
    // A part that records which orders it was written for, in a table of the test's own.
    const recording = (seen: string[]) => ({
      orderChanged: (parts: StatementParts, before: Order, after: Order) => {
        seen.push(`${before.status}->${after.status}`);
        parts.add((name, gate) => sql`${sql.ref(name)} AS (INSERT INTO follow_up_probe (order_id) SELECT id FROM ${sql.ref(gate)} RETURNING order_id)`);
        return Promise.resolve();
      },
    });
    const probed = async () => (await sql<{ order_id: string }>`SELECT order_id FROM follow_up_probe`.execute(database.db)).rows.map((row) => row.order_id);

    beforeAll(async () => {
      await sql`CREATE TABLE IF NOT EXISTS follow_up_probe (order_id uuid NOT NULL)`.execute(database.db);
    });
    afterEach(async () => {
      await sql`DELETE FROM follow_up_probe`.execute(database.db);
    });

    it('when a known order is paid, then the change, its event and the parts commit in one statement, with no transaction', async () => {
      const seen: string[] = [];
      const statements: string[] = [];
      const repo = new PostgresOrderRepository(database.db, { statementFollowUps: recording(seen) });
      const order = await repo.create(ctx, await anOrder(await rows().user()));
      // Every statement counted, and a transaction refused.
      const counting = database.db.withPlugin({
        transformQuery: (args) => {
          statements.push(args.node.kind);
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      });
      const noTransactions = new Proxy(counting, {
        get: (target, property) => {
          if (property === 'transaction') throw new Error('the change opened a transaction');
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const counted = new PostgresOrderRepository(noTransactions, { statementFollowUps: recording(seen) });

      const paid = await counted.updateKnown(ctx, order, (current) => markPaid(current, 'auth-1'));

      expect(statements).toHaveLength(1);
      expect(seen).toEqual(['pending->paid']);
      expect(paid).toEqual(await repo.findById(ctx, order.id));
      expect(paid).toMatchObject({ status: 'paid', version: 2, lines: order.lines });
      expect(await probed()).toEqual([order.id]);
      const { rows: events } = await database.pool.query<{ type: string }>('SELECT type FROM activity_events WHERE user_id = $1 ORDER BY id', [order.userId]);
      expect(events.map((event) => event.type)).toEqual(['order_placed', 'order_paid']);
    });

    it('when the order moved on since it was known, then no part is written for the stale change, and the change applied to what is stored writes its own', async () => {
      const seen: string[] = [];
      const repo = new PostgresOrderRepository(database.db, { statementFollowUps: recording(seen) });
      const order = await repo.create(ctx, await anOrder(await rows().user()));
      await repo.update(ctx, order.id, (current) => markPaid(current, 'auth-1'));
      expect(await probed()).toEqual([order.id]);

      const cancelled = await repo.updateKnown(ctx, order, (current) => (current.status === 'paid' ? markCancelled(current) : markPaid(current, 'auth-2')));

      expect(cancelled).toMatchObject({ status: 'cancelled', version: 3 });
      // pending->paid for the stale known order (saved nothing), then paid->cancelled under the lock.
      expect(seen).toEqual(['pending->paid', 'pending->paid', 'paid->cancelled']);
      expect(await probed()).toEqual([order.id, order.id]);
    });

    it('when the follow-ups throw, then nothing is saved', async () => {
      const repo = new PostgresOrderRepository(database.db, { statementFollowUps: { orderChanged: () => Promise.reject(new Error('the job could not be enqueued')) } });
      const order = await repo.create(ctx, await anOrder(await rows().user()));

      await expect(repo.updateKnown(ctx, order, (current) => markPaid(current, 'auth-1'))).rejects.toThrow('the job could not be enqueued');
      await expect(repo.update(ctx, order.id, (current) => markPaid(current, 'auth-1'))).rejects.toThrow('the job could not be enqueued');

      expect(await repo.findById(ctx, order.id)).toMatchObject({ status: 'pending', version: 1 });
    });
  });

  it('when a user with orders is deleted, then the database refuses (orders are kept)', async () => {
    const user = await rows().user();
    await new PostgresOrderRepository(database.db).create(ctx, await anOrder(user));

    await expect(database.pool.query('DELETE FROM users WHERE id = $1', [user])).rejects.toMatchObject({ code: '23503' });
  });

  // Recovery releases the stock of the order it holds, on another connection; with no reservation row yet,
  // the release inserts one, whose foreign key check must not wait for the order's lock (it would wait forever).
  it.each([
    ['an update', (repo: PostgresOrderRepository, id: string, change: (order: Order) => Promise<Order>) => repo.update(ctx, id, change)],
    ['a stale-order sweep', (repo: PostgresOrderRepository, _id: string, change: (order: Order) => Promise<Order>) => repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 1 }, change)],
  ])('when %s holds an order, then its stock can be released and reserved from other connections meanwhile', async (_, hold) => {
    const repo = new PostgresOrderRepository(database.db);
    const reservations = new PostgresStockReservations(database.db);
    const user = await rows().user();
    const order = await repo.create(ctx, await anOrder(user));
    const within = testContext(AbortSignal.timeout(5_000));

    await hold(repo, order.id, async (current) => {
      await reservations.release(within, current.id);
      await expect(reservations.reserve(within, current.id, current.lines)).rejects.toBeInstanceOf(ReservationClosedError);
      return markPaymentFailed(current, 'payment_not_completed');
    });

    expect((await repo.findById(ctx, order.id))?.status).toBe('payment_failed');
    expect(await reservations.stateOf(ctx, order.id)).toBe('released');
  });

  it('when a resolve holds a pending order, then a second run skips it instead of waiting', async () => {
    const repo = new PostgresOrderRepository(database.db);
    const user = await rows().user();
    const [held, free] = [await repo.create(ctx, await anOrder(user)), await repo.create(ctx, await anOrder(user))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));

    const first = repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 1 }, async (order) => {
      await gate;
      return markPaid(order, 'auth-first');
    });
    await untilOneRowIsLocked();
    const second = await repo.resolveStalePending(ctx, { olderThanMs: 0, limit: 10 }, (order) => markPaid(order, 'auth-second'));
    release();

    expect(second.map((outcome) => outcome.orderId)).toEqual([free.id]);
    expect((await first).map((outcome) => outcome.orderId)).toEqual([held.id]);
  });

  it.each([
    ['an unknown status', `'shipped', 'EUR', 1, NULL, NULL`],
    ['a negative total', `'pending', 'EUR', -1, NULL, NULL`],
    ['a lower-case currency', `'pending', 'eur', 1, NULL, NULL`],
    ['a paid order without authorization', `'paid', 'EUR', 1, NULL, NULL`],
    ['a failed order without failure code', `'payment_failed', 'EUR', 1, NULL, NULL`],
    ['a pending order with a failure code', `'pending', 'EUR', 1, NULL, 'card_declined'`],
  ])('when an order row with %s is written around the domain, then the database refuses it', async (_, values) => {
    const user = await rows().user();

    const inserting = database.pool.query(`INSERT INTO orders (id, user_id, status, currency, total_amount, authorization_id, failure_code) VALUES ($1, $2, ${values})`, [uuidv7(), user]);

    await expect(inserting).rejects.toMatchObject({ code: '23514' });
  });

  it.each([
    ['a quantity of 0', 0],
    ['a quantity of 1001', 1001],
  ])('when an order line with %s is written around the domain, then the database refuses it', async (_, quantity) => {
    const order = await rows().order(await rows().user());

    const inserting = database.pool.query('INSERT INTO order_lines (order_id, product_id, position, quantity, unit_price) VALUES ($1, $2, 1, $3, 1)', [
      order,
      await rows().product(),
      quantity,
    ]);

    await expect(inserting).rejects.toMatchObject({ code: '23514' });
  });
});

async function untilOneRowIsLocked(): Promise<void> {
  for (;;) {
    const { rows } = await database.pool.query<{ locked: boolean }>(
      "SELECT exists(SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'RowShareLock') AS locked",
    );
    if (rows[0]?.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
