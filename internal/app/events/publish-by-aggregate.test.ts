import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../domain/events/outbox-store.ts';
import { publishByAggregate } from './publish-by-aggregate.ts';

const event = (seq: number, aggregateId: string): StoredEvent => ({
  seq,
  id: `e${seq}`,
  subject: 'ordersvc.order.placed',
  aggregateId,
  envelope: {},
  createdAt: new Date(0),
  publishedAt: undefined,
});

/** A publish whose acks the test gives one by one. */
function controlledPublish() {
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const sent: string[] = [];
  let waiter: (() => void) | undefined;
  return {
    sent,
    publish: (e: StoredEvent) =>
      new Promise<void>((resolve, reject) => {
        sent.push(e.id);
        pending.set(e.id, { resolve, reject });
        waiter?.();
      }),
    /** Resolves once `id` was sent. */
    async sentAlready(id: string): Promise<void> {
      while (!sent.includes(id)) await new Promise<void>((resolve) => (waiter = resolve));
    },
    ack: (id: string) => pending.get(id)?.resolve(),
    fail: (id: string) => pending.get(id)?.reject(new Error(`${id} refused`)),
  };
}

describe('publishByAggregate', () => {
  it('when a batch spans aggregates, then every aggregate’s first event is sent at once and its next only after the previous ack', async () => {
    const broker = controlledPublish();
    const events = [event(1, 'a'), event(2, 'b'), event(3, 'a'), event(4, 'c'), event(5, 'b')];
    const done = publishByAggregate(events, { publish: broker.publish, stopped: () => false });
    expect(broker.sent).toEqual(['e1', 'e2', 'e4']);
    broker.ack('e2');
    await broker.sentAlready('e5');
    expect(broker.sent).toEqual(['e1', 'e2', 'e4', 'e5']);
    broker.ack('e1');
    await broker.sentAlready('e3');
    for (const id of ['e3', 'e4', 'e5']) broker.ack(id);
    const outcome = await done;
    expect(outcome.published.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('when one publish fails, then its aggregate’s later events are not sent, the others go on, and the outcome names exactly the acked ones', async () => {
    const broker = controlledPublish();
    const events = [event(1, 'a'), event(2, 'b'), event(3, 'a'), event(4, 'b'), event(5, 'a')];
    const done = publishByAggregate(events, { publish: broker.publish, stopped: () => false });
    broker.fail('e1');
    broker.ack('e2');
    await broker.sentAlready('e4');
    broker.ack('e4');
    const outcome = await done;
    expect(broker.sent).toEqual(['e1', 'e2', 'e4']);
    expect(outcome.published.map((e) => e.id)).toEqual(['e2', 'e4']);
    expect(outcome.failed.map((e) => e.id)).toEqual(['e1']);
    expect(outcome.error).toEqual(new Error('e1 refused'));
  });

  it('when the relay stops, then no chain sends its next event and the acked ones are answered', async () => {
    const broker = controlledPublish();
    let stopped = false;
    const done = publishByAggregate([event(1, 'a'), event(2, 'a'), event(3, 'b')], { publish: broker.publish, stopped: () => stopped });
    stopped = true;
    broker.ack('e1');
    broker.ack('e3');
    const outcome = await done;
    expect(broker.sent).toEqual(['e1', 'e3']);
    expect(outcome.published.map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(outcome.failed).toEqual([]);
  });
});
