import type { EventPublisher } from '../../domain/events/event-publisher.ts';
import type { OutboxStore, StoredEvent } from '../../domain/events/outbox-store.ts';
import type { ContextLogger } from '../../domain/shared/context.ts';
import { fullJitterDelay, type BackoffPolicy } from '../../platform/resilience/backoff.ts';
import { publishByAggregate, type BatchPublishOutcome } from './publish-by-aggregate.ts';

export interface OutboxRelayOptions {
  /** Rows per batch (one transaction; pipelined, each aggregate's events in order). */
  readonly batchSize: number;
  /** How long an idle relay sleeps when nothing wakes it (the net under LISTEN/NOTIFY). */
  readonly idlePollMs: number;
  /** Waits between failed batches while the broker is down. */
  readonly backoff: BackoffPolicy;
  /** Longest wait for one publish; below the transaction's idle timeout. */
  readonly publishTimeoutMs: number;
  readonly log: ContextLogger;
  readonly onPublished?: ((events: readonly StoredEvent[]) => void) | undefined;
  readonly onFailed?: ((error: unknown) => void) | undefined;
}

/**
 * Publishes the outbox: pending rows, oldest first, batch after batch while
 * there are full batches; then sleeps until woken (a commit's NOTIFY) or the
 * idle poll. A batch is published pipelined (`publishByAggregate`): every
 * aggregate's chain at once, an aggregate's next event only after the ack of
 * its previous one. A failed publish ends its aggregate's chain (its later
 * rows wait, so its order holds), exactly the acknowledged events are
 * marked, and the relay backs off with jitter; writes go on meanwhile, the
 * rows just wait.
 */
export class OutboxRelay {
  readonly #store: OutboxStore;
  readonly #publisher: EventPublisher;
  readonly #options: OutboxRelayOptions;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #woken = false;
  readonly #stopSignal = new AbortController();

  constructor(store: OutboxStore, publisher: EventPublisher, options: OutboxRelayOptions) {
    this.#store = store;
    this.#publisher = publisher;
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Relays soon (called on NOTIFY of a commit). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Ends after the batch in progress (its transaction commits what was published). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopSignal.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let waitMs = this.#options.idlePollMs;
      try {
        this.#woken = false;
        let failure: unknown;
        const result = await this.#store.relayBatch(this.#options.batchSize, async (events) => {
          const outcome = await this.#publishBatch(events);
          failure = outcome.error;
          return outcome;
        });
        if (failure !== undefined) {
          this.#options.onFailed?.(failure);
          if (failures === 0) this.#options.log.warn({ error: describe(failure), published: result.published }, 'events cannot be published; the outbox holds them and retries');
          waitMs = fullJitterDelay(failures++, this.#options.backoff) + 1;
        } else {
          if (failures > 0) this.#options.log.info({ failures }, 'events are published again');
          failures = 0;
          if (result.leader && result.claimed === this.#options.batchSize) continue;
        }
      } catch (error) {
        // The database is down or the batch's transaction failed: nothing was marked.
        this.#options.onFailed?.(error);
        if (failures === 0) this.#options.log.warn({ error: describe(error) }, 'outbox relay batch failed; retrying');
        waitMs = fullJitterDelay(failures++, this.#options.backoff) + 1;
      }
      if (failures === 0 && this.#woken) continue;
      // A commit wakes an idle relay, never one backing off from a broker that is down.
      await this.#sleep(waitMs, failures === 0);
    }
  }

  async #publishBatch(events: readonly StoredEvent[]): Promise<BatchPublishOutcome> {
    const outcome = await publishByAggregate(events, {
      publish: (event) => this.#publisher.publish(event, AbortSignal.any([this.#stopSignal.signal, AbortSignal.timeout(this.#options.publishTimeoutMs)])),
      stopped: () => this.#stopped,
    });
    if (outcome.published.length > 0) this.#options.onPublished?.(outcome.published);
    if (outcome.failed.length === 0) return outcome;
    const error = new Error(`publish failed for ${outcome.failed.length} aggregate(s) of ${events.length} events (${outcome.published.length} published)`, { cause: outcome.error });
    return { ...outcome, error };
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const signal = this.#stopSignal.signal;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.#wake = done;
    });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
