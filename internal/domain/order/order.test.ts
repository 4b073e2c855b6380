import { describe, expect, it } from 'vitest';
import type { Product } from '../product/product.ts';
import { ValidationError } from '../shared/domain-error.ts';
import {
  canMove,
  checkOrderLines,
  markCancelled,
  markPaid,
  markPaymentFailed,
  markRejected,
  ORDER_STATUSES,
  priceOrder,
  type Order,
  type OrderStatus,
} from './order.ts';
import { MixedCurrenciesError, OrderStateConflictError, UnknownProductError } from './order.errors.ts';

const P1 = '01900000-0000-7000-8000-000000000001';
const P2 = '01900000-0000-7000-8000-000000000002';

const product = (id: string, amountMinor: number, currency = 'EUR'): Product => ({
  id,
  sku: id,
  name: 'Product',
  description: '',
  price: { amountMinor, currency },
  stock: 1,
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const anOrder = (status: OrderStatus): Order => ({
  id: 'o1',
  userId: 'u1',
  status,
  lines: [],
  total: { amountMinor: 0, currency: 'EUR' },
  authorizationId: status === 'paid' || status === 'cancelled' ? 'auth-1' : undefined,
  failureCode: undefined,
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('checkOrderLines', () => {
  it('when product ids come in upper case, then they are kept in lower case', () => {
    expect(checkOrderLines([{ productId: P1.toUpperCase(), quantity: 3 }])).toEqual([{ productId: P1, quantity: 3 }]);
  });

  it('when every line is wrong, then each is named', () => {
    const error = (() => {
      try {
        checkOrderLines([
          { productId: 'x', quantity: 1 },
          { productId: P1, quantity: 0 },
          { productId: P1, quantity: 1 },
        ]);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['lines[0].product_id', 'lines[1].quantity', 'lines[2].product_id']);
  });
});

describe('priceOrder', () => {
  it('when lines are priced, then the total is the exact sum of quantity times current price', () => {
    const order = priceOrder('o1', 'u1', [{ productId: P1, quantity: 1000 }, { productId: P2, quantity: 3 }], [product(P1, 2 ** 36), product(P2, 199)]);

    expect(order).toEqual({
      id: 'o1',
      userId: 'u1',
      lines: [
        { productId: P1, quantity: 1000, unitPrice: { amountMinor: 2 ** 36, currency: 'EUR' } },
        { productId: P2, quantity: 3, unitPrice: { amountMinor: 199, currency: 'EUR' } },
      ],
      total: { amountMinor: 1000 * 2 ** 36 + 597, currency: 'EUR' },
    });
  });

  it('when products are missing, then UnknownProductError names them', () => {
    expect(() => priceOrder('o1', 'u1', [{ productId: P1, quantity: 1 }, { productId: P2, quantity: 1 }], [product(P1, 1)])).toThrow(
      expect.objectContaining({ constructor: UnknownProductError, details: { productIds: [P2] } }) as Error,
    );
  });

  it('when products are priced in two currencies, then MixedCurrenciesError names them', () => {
    expect(() => priceOrder('o1', 'u1', [{ productId: P1, quantity: 1 }, { productId: P2, quantity: 1 }], [product(P1, 1, 'USD'), product(P2, 1, 'EUR')])).toThrow(
      expect.objectContaining({ constructor: MixedCurrenciesError, details: { currencies: ['EUR', 'USD'] } }) as Error,
    );
  });
});

describe('the order state machine', () => {
  const moves: Record<OrderStatus, (order: Order) => Order> = {
    pending: (order) => order,
    paid: (order) => markPaid(order, 'auth-2'),
    payment_failed: (order) => markPaymentFailed(order, 'card_declined'),
    rejected: (order) => markRejected(order, 'insufficient_stock'),
    cancelled: (order) => markCancelled(order),
  };
  const allowed = new Set(['pending→paid', 'pending→payment_failed', 'pending→rejected', 'paid→cancelled']);
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => to !== 'pending').map((to) => [from, to] as const));

  it.each(pairs)('when an order that is %s should become %s, then the move is allowed only if the state machine says so', (from, to) => {
    const moving = () => moves[to](anOrder(from));

    if (allowed.has(`${from}→${to}`)) {
      expect(moving().status).toBe(to);
      expect(canMove(from, to)).toBe(true);
    } else {
      expect(moving).toThrow(OrderStateConflictError);
      expect(canMove(from, to)).toBe(false);
    }
  });

  it('when an order is paid, then it carries the authorization and no failure code', () => {
    expect(markPaid(anOrder('pending'), 'auth-9')).toMatchObject({ status: 'paid', authorizationId: 'auth-9', failureCode: undefined });
  });

  it('when an illegal move is tried, then the error says from where to where', () => {
    expect(() => markCancelled(anOrder('rejected'))).toThrow(
      expect.objectContaining({ code: 'ORDER_STATE_CONFLICT', kind: 'conflict', details: { status: 'rejected', attempted: 'cancelled' } }) as Error,
    );
  });
});
