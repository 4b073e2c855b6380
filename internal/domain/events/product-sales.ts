/** Units and revenue of one product over its paid orders (a read model fed by events). */
export interface ProductSales {
  readonly productId: string;
  readonly unitsSold: number;
  readonly revenueMinor: number;
  readonly currency: string;
  readonly ordersCount: number;
  readonly updatedAt: Date;
}

export interface SalesLine {
  readonly productId: string;
  readonly quantity: number;
  readonly amountMinor: number;
  readonly currency: string;
}

/** The read model's store; each event is applied once per consumer (the inbox). */
export interface ProductSalesStore {
  /** Adds (`sign` 1) or removes (-1) the lines, unless `eventId` was applied already; answers whether it applied. */
  applyOnce(consumer: string, eventId: string, lines: readonly SalesLine[], sign: 1 | -1, signal?: AbortSignal): Promise<boolean>;
  /** The products with the most units sold first. */
  bestSellers(limit: number, signal?: AbortSignal): Promise<ProductSales[]>;
}
