/** How a consumer's failed deliveries are retried before they are dead-lettered. */
export interface DeliveryPolicy {
  /** Deliveries in all, the first included. */
  readonly maxDeliver: number;
  /** Wait before redelivery n (1-based, the last repeats). */
  readonly backoffMs: readonly number[];
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxDeliver: 5, backoffMs: [1_000, 5_000, 30_000, 120_000] };

export function redeliveryDelay(policy: DeliveryPolicy, deliveryCount: number): number {
  const list = policy.backoffMs;
  if (list.length === 0) return 0;
  return list[Math.min(list.length - 1, Math.max(0, deliveryCount - 1))] ?? 0;
}

/** A dead letter's account of why; published beside the envelope. */
export interface DeadLetter {
  readonly consumer: string;
  readonly deliveries: number;
  readonly error: string;
  readonly subject: string;
  readonly envelope: Readonly<Record<string, unknown>>;
}

/** Counts what happens to deliveries (metrics). */
export interface DeliveryObserver {
  redelivered?(consumer: string): void;
  deadLettered?(consumer: string): void;
  handled?(consumer: string): void;
}
