import type { EventMessage } from './event-publisher.ts';

/** An outbox row as the relay and the tools read it. */
export interface StoredEvent extends EventMessage {
  /** The outbox's commit-ordered sequence number. */
  readonly seq: number;
  readonly createdAt: Date;
  readonly publishedAt: Date | undefined;
}

export interface RelayBatchResult {
  /** False when another replica is relaying (this one waits). */
  readonly leader: boolean;
  readonly claimed: number;
  readonly published: number;
}

/** What the relay's publish answers for one batch. */
export interface RelayPublishOutcome {
  /** Events the broker acknowledged. */
  readonly published: readonly StoredEvent[];
  /** Events whose publish failed. */
  readonly failed: readonly StoredEvent[];
}

export interface OutboxLag {
  readonly pending: number;
  /** Age of the oldest unpublished event; 0 when none waits. */
  readonly oldestPendingAgeMs: number;
}

/** The relay's side of the outbox. */
export interface OutboxStore {
  /**
   * When no other replica relays right now, hands the oldest pending events
   * (at most `limit`, in `seq` order) to `publish`, which answers which of
   * them the broker now holds and which failed. The held ones are marked
   * published, but per aggregate only up to its first event not held (a
   * gap would let a later event count as published before an earlier one);
   * a failed one's attempts are counted.
   */
  relayBatch(limit: number, publish: (events: readonly StoredEvent[]) => Promise<RelayPublishOutcome>): Promise<RelayBatchResult>;
  lag(): Promise<OutboxLag>;
  /** Deletes up to `limit` events published before `before`; answers how many. */
  purgePublished(before: Date, limit: number): Promise<number>;
  /** Events written at or after `since` (published or not), in order, after `afterSeq`. */
  listSince(since: Date, afterSeq: number, limit: number): Promise<StoredEvent[]>;
}
