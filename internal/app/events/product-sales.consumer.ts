import type { Delivery, EventConsumer } from '../../domain/events/event-publisher.ts';
import type { ProductSalesStore, SalesLine } from '../../domain/events/product-sales.ts';

export const PRODUCT_SALES_CONSUMER = 'product-sales';

interface LineData {
  product_id?: unknown;
  quantity?: unknown;
  unit_price?: { amount_minor?: unknown; currency?: unknown };
}

/**
 * Keeps units and revenue per product from `order.paid` (added) and
 * `order.cancelled` of a paid order (taken back). An event it cannot read
 * throws, so it is retried and then dead-lettered.
 */
export class ProductSalesConsumer implements EventConsumer {
  readonly name = PRODUCT_SALES_CONSUMER;
  readonly subjects = ['ordersvc.order.>'];
  readonly #store: ProductSalesStore;

  constructor(store: ProductSalesStore) {
    this.#store = store;
  }

  async handle({ message }: Delivery, signal: AbortSignal): Promise<void> {
    const data = message.envelope.data as { lines?: unknown; previous_status?: unknown } | undefined;
    if (message.subject === 'ordersvc.order.paid') {
      await this.#store.applyOnce(this.name, message.id, salesLines(data?.lines), 1, signal);
    } else if (message.subject === 'ordersvc.order.cancelled' && data?.previous_status === 'paid') {
      await this.#store.applyOnce(this.name, message.id, salesLines(data.lines), -1, signal);
    }
  }
}

function salesLines(value: unknown): SalesLine[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('the event has no lines');
  return value.map((raw: LineData, index) => {
    const price = raw.unit_price;
    if (typeof raw.product_id !== 'string' || !Number.isSafeInteger(raw.quantity) || !Number.isSafeInteger(price?.amount_minor) || typeof price?.currency !== 'string') {
      throw new Error(`line ${index} of the event cannot be read`);
    }
    const quantity = raw.quantity as number;
    return { productId: raw.product_id, quantity, amountMinor: quantity * (price.amount_minor as number), currency: price.currency };
  });
}
