import type { IntegrationEvent } from './integration-event.ts';

/**
 * Writes integration events inside the caller's transaction, so they commit
 * or roll back with the change they tell of (no dual write). `Tx` is the
 * adapter's transaction handle: only the adapter that opened the
 * transaction can hand it on.
 */
export interface EventOutbox<Tx> {
  append(tx: Tx, events: readonly IntegrationEvent[], signal?: AbortSignal): Promise<void>;
}
