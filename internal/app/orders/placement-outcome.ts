import type { Order, OrderLine, OrderStatus } from '../../domain/order/order.ts';
import { DomainError, type ErrorKind } from '../../domain/shared/domain-error.ts';

/**
 * What a placement came to. Every transport renders it in its own terms
 * (over HTTP: 201, 202, problem+json).
 * - `placed`: the order is paid.
 * - `pending`: the order exists but the gateway's answer is not known yet;
 *   recovery settles it, and a repeat of the request tells how it ended.
 * - `refused`: nothing was bought; `error` says why with a stable code and
 *   kind (and details). A refusal after the order exists (declined, stock
 *   short) is recorded under the key like the other outcomes.
 * `replayed` is true when this is the recorded outcome of an earlier request
 * under the key; `traceId` names the request that decided it.
 */
export type PlacementDecision =
  | { readonly kind: 'placed'; readonly order: Order }
  | { readonly kind: 'pending'; readonly order: Order }
  | { readonly kind: 'refused'; readonly error: DomainError };

export type PlacementOutcome = PlacementDecision & { readonly replayed: boolean; readonly traceId: string };

/** An outcome as the idempotency store keeps it: JSON, without the `replayed` flag. */
export type OutcomeRecord =
  | { readonly kind: 'placed' | 'pending'; readonly traceId: string; readonly order: OrderRecord }
  | { readonly kind: 'refused'; readonly traceId: string; readonly error: RefusalRecord };

interface OrderRecord {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly total: Order['total'];
  readonly authorizationId?: string | undefined;
  readonly failureCode?: string | undefined;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface RefusalRecord {
  readonly name: string;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly details?: unknown;
}

/** A refusal read back from its record: the same code, kind, message and details as the error it was. */
export class RecordedRefusal extends DomainError {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: unknown;

  constructor(record: RefusalRecord) {
    super(record.message);
    this.name = record.name;
    this.code = record.code;
    this.kind = record.kind;
    this.details = record.details;
  }
}

export function toRecord(outcome: PlacementOutcome): OutcomeRecord {
  if (outcome.kind === 'refused') {
    const { error } = outcome;
    const details = (error as DomainError & { details?: unknown }).details;
    return { kind: 'refused', traceId: outcome.traceId, error: { name: error.name, code: error.code, kind: error.kind, message: error.message, ...(details === undefined ? {} : { details }) } };
  }
  const { order } = outcome;
  return { kind: outcome.kind, traceId: outcome.traceId, order: { ...order, createdAt: order.createdAt.toISOString(), updatedAt: order.updatedAt.toISOString() } };
}

/** @throws Error when the record is not an outcome this code wrote */
export function fromRecord(value: unknown): PlacementOutcome {
  const record = value as OutcomeRecord | null;
  if (record?.kind === 'refused' && typeof record.error?.code === 'string') {
    return { kind: 'refused', error: new RecordedRefusal(record.error), replayed: true, traceId: record.traceId };
  }
  if ((record?.kind === 'placed' || record?.kind === 'pending') && typeof record.order?.id === 'string') {
    const { order } = record;
    const revived: Order = {
      ...order,
      authorizationId: order.authorizationId,
      failureCode: order.failureCode,
      createdAt: new Date(order.createdAt),
      updatedAt: new Date(order.updatedAt),
    };
    return { kind: record.kind, order: revived, replayed: true, traceId: record.traceId };
  }
  throw new Error('the idempotency record does not hold a placement outcome');
}
