import type { Context } from '../shared/context.ts';

/** Orders still pending after the recovery threshold: recovery should have settled them. */
export interface OverduePending {
  readonly count: number;
  /** Age of the oldest pending order past the threshold; 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/** Reads how many pending orders are older than a threshold (for gauges and alerts). */
export interface OverdueOrders {
  overduePending(ctx: Context, olderThanMs: number): Promise<OverduePending>;
}
