/**
 * One outbox row on its way out: its CloudEvents envelope as JSON and where
 * it goes. `id` is the envelope's id and the broker's dedupe key.
 */
export interface EventMessage {
  readonly id: string;
  /** `ordersvc.<aggregate>.<event>` */
  readonly subject: string;
  readonly aggregateId: string;
  readonly envelope: Readonly<Record<string, unknown>>;
}

/**
 * Hands events to the broker. `publish` resolves once the broker holds the
 * event (a JetStream ack); publishing an id again within the broker's
 * dedupe window stores nothing new.
 */
export interface EventPublisher {
  publish(message: EventMessage, signal?: AbortSignal): Promise<void>;
}

/** What a consumer gets: the envelope and how often it was delivered (1 the first time). */
export interface Delivery {
  readonly message: EventMessage;
  readonly deliveryCount: number;
}

/** An event handler that must see every event once: a throw asks for a redelivery. */
export interface EventConsumer {
  /** Durable name; the inbox keys by it. */
  readonly name: string;
  /** Subjects it listens to (NATS wildcards allowed: `ordersvc.order.>`). */
  readonly subjects: readonly string[];
  handle(delivery: Delivery, signal: AbortSignal): Promise<void>;
}

/** A broker's consuming side: delivers to consumers with at-least-once semantics, retries, then dead-letters. */
export interface EventSubscriptions {
  subscribe(consumer: EventConsumer): Promise<void>;
  /** Stops delivering; handlers in flight end first. */
  close(): Promise<void>;
}
