import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { AuthenticationRequiredError, ForbiddenError } from '../../domain/identity/identity.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import { OrderNotFoundError } from '../../domain/order/order.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { InvalidCursorError, idCursor } from '../shared/id-cursor.ts';
import { GetOrder } from './get-order.use-case.ts';
import { ListOrders, type ListOrdersInput } from './list-orders.use-case.ts';
import { testCursorSeal } from '../../../test/support/cursor-seal.ts';

let world: OrderWorld;
let ada: Context;
let grace: Context;

beforeEach(() => {
  world = orderWorld();
  ada = world.customer();
  grace = world.customer();
});

const placeFor = async (ctx: Context, count: number, cardToken = 'tok_approved'): Promise<Order[]> => {
  const mug = await world.product({ stock: 100 });
  const orders: Order[] = [];
  for (let i = 0; i < count; i += 1) {
    orders.push(await world.placed(ctx, orderOf([mug], cardToken)).catch(async () => (await world.orders.listForUser(world.system, ctx.principal!.userId, { limit: 1 }))[0]!));
  }
  return orders;
};

const newestFirst = (orders: readonly Order[]) => [...orders].sort((a, b) => (a.id < b.id ? 1 : -1));

describe('GetOrder', () => {
  const getOrder = () => new GetOrder(world.orders);

  it('when a customer asks for their order, then it is returned', async () => {
    const [order] = await placeFor(ada, 1);

    expect(await getOrder().execute(ada, order!.id)).toEqual(order);
  });

  it("when a customer asks for another customer's order, then it answers as a missing one", async () => {
    const [order] = await placeFor(ada, 1);

    await expect(getOrder().execute(grace, order!.id)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it("when an admin asks for a customer's order, then it is returned", async () => {
    const [order] = await placeFor(ada, 1);

    expect(await getOrder().execute(world.admin(), order!.id)).toEqual(order);
  });

  it.each([
    ['an unknown id', uuidv7()],
    ['a malformed id', "' OR 1=1"],
  ])('when asked for %s, then OrderNotFoundError is thrown', async (_, id) => {
    await expect(getOrder().execute(ada, id)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('when nobody is signed in, then AuthenticationRequiredError is thrown', async () => {
    await expect(getOrder().execute(testContext(), uuidv7())).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });
});

describe('ListOrders', () => {
  const cursors = testCursorSeal();
  const listOrders = () => new ListOrders(world.orders, cursors);

  const pageThrough = async (ctx: Context, input: Omit<ListOrdersInput, 'cursor'>) => {
    const seen: Order[] = [];
    let cursor: string | undefined;
    do {
      const page = await listOrders().execute(ctx, { ...input, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  };

  it('when a customer pages through their orders, then they see all of their own, newest first, and no one else’s', async () => {
    const adas = await placeFor(ada, 5);
    await placeFor(grace, 2);

    const seen = await pageThrough(ada, { limit: 2 });

    expect(seen).toEqual(newestFirst(adas));
  });

  it('when the orders fill the last page exactly, then it has no next cursor', async () => {
    await placeFor(ada, 2);

    expect((await listOrders().execute(ada, { limit: 2 })).nextCursor).toBeNull();
  });

  it('when a customer filters by status, then only orders in it are listed', async () => {
    const paid = await placeFor(ada, 2);
    await placeFor(ada, 1, 'tok_declined');

    const page = await listOrders().execute(ada, { limit: 10, status: 'paid' });

    expect(page.items).toEqual(newestFirst(paid));
  });

  it("when a customer names another user, then ForbiddenError is thrown; naming themselves is fine", async () => {
    await expect(listOrders().execute(ada, { limit: 10, userId: grace.principal!.userId })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listOrders().execute(ada, { limit: 10, userId: ada.principal!.userId })).resolves.toBeDefined();
  });

  it("when an admin lists, then everyone's orders are listed, and a user and a status narrow it", async () => {
    const adas = await placeFor(ada, 2);
    const graces = await placeFor(grace, 2);
    await placeFor(grace, 1, 'tok_fraud');

    const everyone = await pageThrough(world.admin(), { limit: 2 });
    const gracesPaid = await listOrders().execute(world.admin(), { limit: 10, userId: grace.principal!.userId, status: 'paid' });

    expect(everyone).toHaveLength(5);
    expect(everyone.filter((order) => order.status === 'paid')).toEqual(newestFirst([...adas, ...graces]));
    expect(gracesPaid.items).toEqual(newestFirst(graces));
  });

  it.each<[string, ListOrdersInput, string[]]>([
    ['a limit of 0', { limit: 0 }, ['limit']],
    ['a limit of 101', { limit: 101 }, ['limit']],
    ['an unknown status', { limit: 10, status: 'shipped' }, ['status']],
    ['a user id that is no UUID', { limit: 10, userId: 'ada' }, ['user_id']],
  ])('when given %s, then ValidationError names the parameter', async (_, input, pointers) => {
    const error = await listOrders().execute(world.admin(), input).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(pointers);
  });

  it.each([
    ['a forged cursor', 'not-a-cursor'],
    ['a cursor of the products listing', idCursor('p1.').encode(uuidv7())],
  ])('when given %s, then InvalidCursorError is thrown', async (_, cursor) => {
    await expect(listOrders().execute(ada, { limit: 10, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
