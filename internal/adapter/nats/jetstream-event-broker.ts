import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Delivery, EventConsumer, EventMessage, EventPublisher, EventSubscriptions } from '../../domain/events/event-publisher.ts';
import type { ContextLogger } from '../../domain/shared/context.ts';
import { redeliveryDelay, type DeliveryObserver, type DeliveryPolicy } from '../events/delivery-policy.ts';
import { deadLetterSubject } from '../events/subject-match.ts';

export interface JetStreamSettings {
  /** `ORDERSVC_EVENTS` */
  readonly stream: string;
  /** Put before every subject (tests isolate themselves with it); '' in production. */
  readonly subjectPrefix: string;
  /** How long the stream keeps events. */
  readonly maxAgeMs: number;
  /** The stream drops a repeated Nats-Msg-Id within this window. */
  readonly duplicateWindowMs: number;
  readonly replicas: number;
  /** How long a delivery may run before JetStream redelivers it. */
  readonly ackWaitMs: number;
  readonly policy: DeliveryPolicy;
  readonly log: ContextLogger;
  readonly observer?: DeliveryObserver | undefined;
}

const encoder = new TextEncoder();

/**
 * Events on NATS JetStream: one stream over `ordersvc.>` (file storage,
 * limits retention), a durable pull consumer with explicit ack per
 * consumer. A failed delivery is nak'ed with the policy's backoff; the last
 * allowed one goes to `ordersvc.deadletter.<consumer>` (with the reason in
 * headers) and is terminated, so it holds nothing back.
 */
export class JetStreamEventBroker implements EventPublisher, EventSubscriptions {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #settings: JetStreamSettings;
  readonly #running: { messages: ConsumerMessages; loop: Promise<void> }[] = [];
  readonly #closing = new AbortController();

  constructor(nc: NatsConnection, settings: JetStreamSettings) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#settings = settings;
  }

  /** Creates or updates the stream (idempotent; every replica does it at start). */
  async ensureStream(): Promise<void> {
    const jsm = await jetstreamManager(this.#nc);
    const config = {
      name: this.#settings.stream,
      subjects: [`${this.#settings.subjectPrefix}ordersvc.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(this.#settings.maxAgeMs),
      duplicate_window: nanos(this.#settings.duplicateWindowMs),
      num_replicas: this.#settings.replicas,
    };
    try {
      await jsm.streams.info(this.#settings.stream);
      await jsm.streams.update(this.#settings.stream, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
  }

  async publish(message: EventMessage, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.#js.publish(this.#subject(message.subject), encoder.encode(JSON.stringify(message.envelope)), {
      msgID: message.id,
      expect: { streamName: this.#settings.stream },
      timeout: 2_000,
    });
  }

  async subscribe(consumer: EventConsumer): Promise<void> {
    const jsm = await jetstreamManager(this.#nc);
    const { policy } = this.#settings;
    const subjects = consumer.subjects.map((subject) => this.#subject(subject));
    const config = {
      durable_name: consumer.name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.#settings.ackWaitMs),
      // One more than we use: the last one is dead-lettered by us, never left to expire silently.
      max_deliver: policy.maxDeliver + 1,
      max_ack_pending: 1,
      ...(subjects.length === 1 ? { filter_subject: subjects[0] } : { filter_subjects: subjects }),
    };
    try {
      await jsm.consumers.info(this.#settings.stream, consumer.name);
      await jsm.consumers.update(this.#settings.stream, consumer.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.consumers.add(this.#settings.stream, config);
    }
    const source = await this.#js.consumers.get(this.#settings.stream, consumer.name);
    const messages = await source.consume({ max_messages: 16 });
    this.#running.push({ messages, loop: this.#handleAll(consumer, messages) });
  }

  async close(): Promise<void> {
    this.#closing.abort();
    for (const { messages } of this.#running) await messages.close().catch(() => undefined);
    await Promise.all(this.#running.map(({ loop }) => loop));
  }

  #subject(subject: string): string {
    return `${this.#settings.subjectPrefix}${subject}`;
  }

  async #handleAll(consumer: EventConsumer, messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      await this.#handle(consumer, msg);
    }
  }

  async #handle(consumer: EventConsumer, msg: JsMsg): Promise<void> {
    const { policy, observer, log } = this.#settings;
    const deliveryCount = msg.info.deliveryCount;
    let message: EventMessage;
    try {
      message = this.#toMessage(msg);
    } catch (error) {
      await this.#deadLetter(consumer, msg, deliveryCount, error);
      return;
    }
    const delivery: Delivery = { message, deliveryCount };
    try {
      await consumer.handle(delivery, this.#closing.signal);
      await msg.ackAck();
      observer?.handled?.(consumer.name);
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      if (deliveryCount >= policy.maxDeliver) {
        log.error({ consumer: consumer.name, event_id: message.id, subject: message.subject, deliveries: deliveryCount, error: describe(error) }, 'event dead-lettered');
        await this.#deadLetter(consumer, msg, deliveryCount, error);
        return;
      }
      observer?.redelivered?.(consumer.name);
      msg.nak(redeliveryDelay(policy, deliveryCount));
    }
  }

  #toMessage(msg: JsMsg): EventMessage {
    const envelope = msg.json<Record<string, unknown>>();
    const id = msg.headers?.get('Nats-Msg-Id') || (typeof envelope.id === 'string' ? envelope.id : '');
    if (!id) throw new Error('the message has no event id');
    const subject = msg.subject.slice(this.#settings.subjectPrefix.length);
    return { id, subject, aggregateId: typeof envelope.subject === 'string' ? envelope.subject : '', envelope };
  }

  async #deadLetter(consumer: EventConsumer, msg: JsMsg, deliveries: number, error: unknown): Promise<void> {
    const h = natsHeaders();
    h.set('Ordersvc-Consumer', consumer.name);
    h.set('Ordersvc-Deliveries', String(deliveries));
    h.set('Ordersvc-Error', describe(error).slice(0, 500));
    h.set('Ordersvc-Original-Subject', msg.subject);
    const id = msg.headers?.get('Nats-Msg-Id');
    // Its own id, so a dead letter repeated by a crash is stored once too.
    await this.#js.publish(deadLetterSubject(this.#settings.subjectPrefix, consumer.name), msg.data, { headers: h, ...(id ? { msgID: `${id}:dl:${consumer.name}` } : {}) });
    // No reason text: servers before 2.10 ignore a +TERM that carries one. The reason is in the dead letter's headers.
    msg.term();
    this.#settings.observer?.deadLettered?.(consumer.name);
  }
}

function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /not found/i.test(text);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
