import type { Delivery, EventConsumer, EventMessage, EventPublisher, EventSubscriptions } from '../../domain/events/event-publisher.ts';
import type { ContextLogger } from '../../domain/shared/context.ts';
import { deadLetterSubject, subjectMatches } from './subject-match.ts';
import { redeliveryDelay, type DeliveryObserver, type DeliveryPolicy } from './delivery-policy.ts';

export interface InProcessEventBusOptions {
  readonly policy: DeliveryPolicy;
  /** Events held per consumer; a publish beyond it is refused (the outbox keeps the rows). */
  readonly maxQueued: number;
  /** How many recent ids are remembered to drop duplicates (JetStream's duplicate window). */
  readonly dedupeWindow: number;
  readonly log: ContextLogger;
  readonly observer?: DeliveryObserver | undefined;
}

interface Lane {
  readonly consumer: EventConsumer;
  readonly queue: EventMessage[];
  running: Promise<void> | undefined;
}

/**
 * The broker of the embedded mode: the relay publishes here and the
 * consumers of this process are handed each event in publish order, one at
 * a time per consumer, with the same retries, backoff and dead letters as
 * on JetStream. Held in memory: a crash loses what was queued but not
 * handled yet (the rows stay in the outbox for `npm run events -- replay`).
 */
export class InProcessEventBus implements EventPublisher, EventSubscriptions {
  readonly #options: InProcessEventBusOptions;
  readonly #lanes: Lane[] = [];
  readonly #seen = new Set<string>();
  readonly #closing = new AbortController();
  readonly #taps = new Set<(message: EventMessage) => void>();

  constructor(options: InProcessEventBusOptions) {
    this.#options = options;
  }

  publish(message: EventMessage): Promise<void> {
    if (this.#closing.signal.aborted) return Promise.reject(new Error('the in-process event bus is closed'));
    if (this.#seen.has(message.id)) return Promise.resolve();
    const lanes = this.#lanes.filter((lane) => lane.consumer.subjects.some((pattern) => subjectMatches(pattern, message.subject)));
    const full = lanes.find((lane) => lane.queue.length >= this.#options.maxQueued);
    if (full) return Promise.reject(new Error(`consumer ${full.consumer.name} has ${full.queue.length} events queued`));
    this.#remember(message.id);
    for (const tap of this.#taps) tap(message);
    for (const lane of lanes) {
      lane.queue.push(message);
      lane.running ??= this.#drain(lane);
    }
    return Promise.resolve();
  }

  subscribe(consumer: EventConsumer): Promise<void> {
    if (this.#lanes.some((lane) => lane.consumer.name === consumer.name)) return Promise.reject(new Error(`consumer ${consumer.name} is subscribed already`));
    this.#lanes.push({ consumer, queue: [], running: undefined });
    return Promise.resolve();
  }

  /** Sees every event as it is published (the tail command, tests). Returns the unsubscribe. */
  tap(listener: (message: EventMessage) => void): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.all(this.#lanes.flatMap((lane) => (lane.running ? [lane.running] : [])));
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > this.#options.dedupeWindow) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }

  async #drain(lane: Lane): Promise<void> {
    while (lane.queue.length > 0 && !this.#closing.signal.aborted) {
      const message = lane.queue[0]!;
      await this.#deliver(lane.consumer, message);
      lane.queue.shift();
    }
    lane.running = undefined;
  }

  async #deliver(consumer: EventConsumer, message: EventMessage): Promise<void> {
    const { policy, observer, log } = this.#options;
    for (let deliveryCount = 1; ; deliveryCount += 1) {
      const delivery: Delivery = { message, deliveryCount };
      try {
        await consumer.handle(delivery, this.#closing.signal);
        observer?.handled?.(consumer.name);
        return;
      } catch (error) {
        if (this.#closing.signal.aborted) return;
        if (deliveryCount >= policy.maxDeliver) {
          observer?.deadLettered?.(consumer.name);
          log.error({ consumer: consumer.name, event_id: message.id, subject: message.subject, deliveries: deliveryCount, error: error instanceof Error ? error.message : String(error) }, 'event dead-lettered');
          this.#deadLetter(consumer, message);
          return;
        }
        observer?.redelivered?.(consumer.name);
        await abortableDelay(redeliveryDelay(policy, deliveryCount), this.#closing.signal);
      }
    }
  }

  #deadLetter(consumer: EventConsumer, message: EventMessage): void {
    const subject = deadLetterSubject('', consumer.name);
    const letter: EventMessage = { ...message, subject, envelope: { ...message.envelope } };
    for (const tap of this.#taps) tap(letter);
    for (const lane of this.#lanes) {
      if (lane.consumer !== consumer && lane.consumer.subjects.some((pattern) => subjectMatches(pattern, subject))) {
        lane.queue.push(letter);
        lane.running ??= this.#drain(lane);
      }
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
