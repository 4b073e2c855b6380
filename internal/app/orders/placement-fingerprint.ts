import { createHash } from 'node:crypto';
import type { OrderLineInput } from '../../domain/order/order.ts';

/** The protocol-neutral command a placement is: who asks, for what, paid how. */
export interface PlacementCommand {
  readonly userId: string;
  readonly lines: readonly OrderLineInput[];
  readonly cardToken: string;
}

/**
 * Identifies a placement for idempotency: SHA-256 (hex) of the command as
 * canonical JSON (object keys sorted at every level, absent values dropped;
 * arrays keep their order). It is taken from the command, not from a method
 * and path, so the same command under the same key is the same request over
 * HTTP and gRPC alike.
 */
export function placementFingerprint(command: PlacementCommand): string {
  // Only the fields of a line count; a transport may hand over more (or, unvalidated, less).
  const given: unknown = command.lines;
  const lines = (Array.isArray(given) ? (given as readonly (Partial<OrderLineInput> | null)[]) : []).map((line) => ({ productId: line?.productId, quantity: line?.quantity }));
  return createHash('sha256').update(canonicalJson({ caller: command.userId, lines, payment: { cardToken: command.cardToken } })).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
