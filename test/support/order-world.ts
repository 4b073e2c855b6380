import { v7 as uuidv7 } from 'uuid';
import { InMemoryIdempotencyStore } from '../doubles/in-memory-idempotency-store.ts';
import { InMemoryOrderRepository } from '../doubles/in-memory-order-repository.ts';
import { InMemoryPaymentGateway } from '../doubles/in-memory-payment-gateway.ts';
import { InMemoryProductCatalog } from '../doubles/in-memory-product-catalog.ts';
import { InMemoryProductRepository } from '../doubles/in-memory-product-repository.ts';
import { InMemoryStockReservations } from '../doubles/in-memory-stock-reservations.ts';
import { PlaceOrder, type PlaceOrderInput, type PlaceOrderOptions, type PlaceOrderPorts, type PlacementOutcome } from '../../internal/app/orders/place-order.use-case.ts';
import type { Order } from '../../internal/domain/order/order.ts';
import type { PendingOrderRecovery } from '../../internal/domain/order/pending-order-recovery.ts';
import { newProduct, type Product } from '../../internal/domain/product/product.ts';
import type { Context, ContextLogger } from '../../internal/domain/shared/context.ts';
import { asAdmin, asCustomer, testContext } from './test-context.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: object;
  readonly message: string | undefined;
}

/** In-memory ports for the order use-cases, a clock that tests move, and the log lines they wrote. */
export function orderWorld() {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const logs: LogLine[] = [];
  const line = (level: LogLine['level']) => (fields: object, message?: string) => void logs.push({ level, fields, message });
  const log: ContextLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const products = new InMemoryProductRepository(now);
  const orders = new InMemoryOrderRepository(now);
  const reservations = new InMemoryStockReservations(products);
  const catalog = new InMemoryProductCatalog(products);
  const gateway = new InMemoryPaymentGateway();
  const idempotency = new InMemoryIdempotencyStore(now);
  const system: Context = { ...testContext(), log };
  // The recovery scheduler the placement tells about pending orders: it records their ids (or fails when told to).
  const scheduled: string[] = [];
  let recoveryFails = false;
  const recovery: PendingOrderRecovery = {
    schedule: (_ctx, order) => (recoveryFails ? Promise.reject(new Error('the job queue is down')) : Promise.resolve(void scheduled.push(order.id))),
  };
  const ports = (): PlaceOrderPorts => ({ orders, catalog, reservations, gateway, idempotency, recovery });
  const placement = (overrides: Partial<PlaceOrderPorts> = {}, options: Partial<PlaceOrderOptions> = {}) =>
    new PlaceOrder({ ...ports(), ...overrides }, { newId: uuidv7, ...options });
  const placeOrder = placement();

  return {
    products,
    orders,
    reservations,
    catalog,
    gateway,
    idempotency,
    logs,
    system,
    /** The ids of the pending orders whose recovery the placement scheduled. */
    scheduled,
    failRecovery(): void {
      recoveryFails = true;
    },
    placeOrder,
    /** A placement over this world's ports with other ports or options. */
    placement,
    /** Places and returns the order; a refusal is thrown as its error. */
    async placed(ctx: Context, input: PlaceOrderInput): Promise<Order> {
      const outcome: PlacementOutcome = await placeOrder.execute(ctx, input);
      if (outcome.kind === 'refused') throw outcome.error;
      return outcome.order;
    },
    /** Moves the clock the in-memory stores read forward. */
    advance(ms: number): void {
      offsetMs += ms;
    },
    customer(userId: string = uuidv7(), signal?: AbortSignal): Context {
      return asCustomer(userId, { ...testContext(signal), log });
    },
    admin(): Context {
      return asAdmin(undefined, { ...testContext(), log });
    },
    async product(overrides: { stock?: number; priceMinor?: number; currency?: string } = {}): Promise<Product> {
      const id = uuidv7();
      return products.create(
        system,
        newProduct(id, { sku: `SKU-${id}`, name: 'Mug', price: { amountMinor: overrides.priceMinor ?? 1250, currency: overrides.currency ?? 'EUR' }, stock: overrides.stock ?? 10 }),
      );
    },
    async stockOf(id: string): Promise<number> {
      return (await products.findById(system, id))?.stock ?? Number.NaN;
    },
    logged(level: LogLine['level']): string[] {
      return logs.filter((entry) => entry.level === level).map((entry) => entry.message ?? '');
    },
  };
}

export type OrderWorld = ReturnType<typeof orderWorld>;

/** An order input of `quantity` of each product, paid with `cardToken`, under a key of its own unless given. */
export function orderOf(products: readonly Product[], cardToken = 'tok_approved', quantity = 1, idempotencyKey: string = uuidv7()): PlaceOrderInput {
  return { idempotencyKey, lines: products.map((product) => ({ productId: product.id, quantity })), cardToken };
}
