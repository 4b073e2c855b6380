import type { StoredEvent } from '../../domain/events/outbox-store.ts';

export interface BatchPublishOutcome {
  /** Events the broker acknowledged, in batch order (per aggregate always a prefix of its events in the batch). */
  readonly published: readonly StoredEvent[];
  /** Per aggregate whose chain broke, the event whose publish failed (its later events were not sent). */
  readonly failed: readonly StoredEvent[];
  /** The first publish error, if any. */
  readonly error: unknown;
}

export interface BatchPublishOptions {
  /** Publishes one event; resolves on the broker's ack. */
  readonly publish: (event: StoredEvent) => Promise<void>;
  /** Asked before each publish: true ends every chain at its next event (a stopping relay). */
  readonly stopped: () => boolean;
}

/**
 * Publishes a batch pipelined: one chain per aggregate, all chains at once.
 * Within a chain an event is sent only after the broker acknowledged the
 * previous one, so the broker can never hold an aggregate's event without
 * every earlier one (the invariant that keeps per-aggregate order in the
 * stream, across failures, lost acks and retries: a retry republishes the
 * first unacknowledged event again before anything after it). A failed
 * publish ends its own chain only; the other aggregates go on, and the
 * outcome names exactly the acknowledged events.
 *
 * Hand-written because it is the ordering guarantee itself, a few lines over
 * `Promise.all`; a generic queue library would hide the invariant.
 */
export async function publishByAggregate(events: readonly StoredEvent[], options: BatchPublishOptions): Promise<BatchPublishOutcome> {
  const chains = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const chain = chains.get(event.aggregateId);
    if (chain) chain.push(event);
    else chains.set(event.aggregateId, [event]);
  }
  const acked = new Set<StoredEvent>();
  const failed: StoredEvent[] = [];
  let error: unknown;
  await Promise.all(
    [...chains.values()].map(async (chain) => {
      for (const event of chain) {
        if (options.stopped()) return;
        try {
          await options.publish(event);
        } catch (cause) {
          failed.push(event);
          error ??= cause;
          return;
        }
        acked.add(event);
      }
    }),
  );
  return { published: events.filter((event) => acked.has(event)), failed: failed.sort((a, b) => a.seq - b.seq), error };
}
