import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, EventConsumer, EventMessage, EventPublisher, EventSubscriptions } from '../../internal/domain/events/event-publisher.ts';

export interface BrokerUnderTest {
  readonly publisher: EventPublisher;
  readonly subscriptions: EventSubscriptions;
  close(): Promise<void>;
}

/** A broker with a delivery policy of `maxDeliver` deliveries and short backoffs. */
export type BrokerFactory = (policy: { maxDeliver: number; backoffMs: number[] }) => Promise<BrokerUnderTest>;

export function message(aggregateId: string, n: number, type = 'order.paid'): EventMessage {
  const id = randomUUID();
  return { id, subject: `ordersvc.${type}`, aggregateId, envelope: { specversion: '1.0', id, source: '/ordersvc', type: `ordersvc.${type}.v1`, subject: aggregateId, data: { n } } };
}

/** Collects deliveries; `until` resolves once `predicate` holds. */
export function recorder(name: string, subjects: string[], handle?: (delivery: Delivery) => void) {
  const seen: Delivery[] = [];
  const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  const consumer: EventConsumer = {
    name,
    subjects,
    handle: (delivery) => {
      handle?.(delivery);
      seen.push(delivery);
      for (const waiter of [...waiters]) if (waiter.predicate()) waiter.resolve();
      return Promise.resolve();
    },
  };
  const until = (predicate: () => boolean) =>
    predicate() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ predicate, resolve }));
  return { consumer, seen, until };
}

/** What every broker (in-process and JetStream) must do for the relay and the consumers. */
export function eventBrokerContract(name: string, create: BrokerFactory): void {
  describe(`${name} (event broker contract)`, () => {
    let broker: BrokerUnderTest | undefined;
    afterEach(async () => {
      await broker?.close();
      broker = undefined;
    });

    it('delivers a published event to its consumer with the envelope as published', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10] });
      const events = recorder('c-envelope', ['ordersvc.order.>']);
      await broker.subscriptions.subscribe(events.consumer);
      const sent = message(randomUUID(), 1);
      await broker.publisher.publish(sent);
      await events.until(() => events.seen.length === 1);
      expect(events.seen[0]).toMatchObject({ deliveryCount: 1, message: { id: sent.id, subject: sent.subject, envelope: sent.envelope } });
    });

    it('when the same event id is published twice, then it is delivered once', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10] });
      const events = recorder('c-dedupe', ['ordersvc.order.>']);
      await broker.subscriptions.subscribe(events.consumer);
      const sent = message(randomUUID(), 1);
      const marker = message(randomUUID(), 2);
      await broker.publisher.publish(sent);
      await broker.publisher.publish(sent);
      await broker.publisher.publish(marker);
      await events.until(() => events.seen.some((d) => d.message.id === marker.id));
      expect(events.seen.map((d) => d.message.id)).toEqual([sent.id, marker.id]);
    });

    it('keeps the publish order of one aggregate', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10] });
      const events = recorder('c-order', ['ordersvc.>']);
      await broker.subscriptions.subscribe(events.consumer);
      const aggregate = randomUUID();
      const sent = Array.from({ length: 30 }, (_, n) => message(aggregate, n, n % 2 ? 'order.paid' : 'order.placed'));
      for (const event of sent) await broker.publisher.publish(event);
      await events.until(() => events.seen.length === sent.length);
      expect(events.seen.map((d) => d.message.id)).toEqual(sent.map((event) => event.id));
    });

    it('delivers only the subjects a consumer listens to', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10] });
      const events = recorder('c-filter', ['ordersvc.product.>']);
      await broker.subscriptions.subscribe(events.consumer);
      await broker.publisher.publish(message(randomUUID(), 1, 'order.paid'));
      const product = message(randomUUID(), 2, 'product.created');
      await broker.publisher.publish(product);
      await events.until(() => events.seen.length === 1);
      expect(events.seen.map((d) => d.message.id)).toEqual([product.id]);
    });

    it('redelivers a failed delivery with a higher delivery count', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10] });
      let failures = 1;
      const events = recorder('c-retry', ['ordersvc.order.>'], () => {
        if (failures-- > 0) throw new Error('once');
      });
      await broker.subscriptions.subscribe(events.consumer);
      await broker.publisher.publish(message(randomUUID(), 1));
      await events.until(() => events.seen.length === 1);
      expect(events.seen[0]?.deliveryCount).toBe(2);
    });

    it('sends a poison event to the dead-letter subject after max deliveries and goes on with the next', async () => {
      broker = await create({ maxDeliver: 3, backoffMs: [10, 20] });
      const poison = message(randomUUID(), 0);
      const attempts: number[] = [];
      const events = recorder('c-poison', ['ordersvc.order.>'], (delivery) => {
        if (delivery.message.id === poison.id) {
          attempts.push(delivery.deliveryCount);
          throw new Error('poison');
        }
      });
      const dead = recorder('c-poison-dlq', ['ordersvc.deadletter.c-poison']);
      await broker.subscriptions.subscribe(events.consumer);
      await broker.subscriptions.subscribe(dead.consumer);
      const next = message(randomUUID(), 1);
      await broker.publisher.publish(poison);
      await broker.publisher.publish(next);
      await dead.until(() => dead.seen.length === 1);
      await events.until(() => events.seen.some((d) => d.message.id === next.id));
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead.seen[0]?.message.envelope).toEqual(poison.envelope);
    });
  });
}
