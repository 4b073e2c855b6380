import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { InProcessEventBus } from '../../internal/adapter/events/in-process-event-bus.ts';
import { JetStreamEventBroker } from '../../internal/adapter/nats/jetstream-event-broker.ts';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';
import { testContext } from '../support/test-context.ts';
import { eventBrokerContract } from './event-broker.contract.ts';

const log = testContext().log;

eventBrokerContract('InProcessEventBus', (policy) => {
  const bus = new InProcessEventBus({ policy, maxQueued: 1_000, dedupeWindow: 1_000, log });
  return Promise.resolve({ publisher: bus, subscriptions: bus, close: () => bus.close() });
});

const natsUrl = inject('natsUrl');
if (natsUrl) {
  eventBrokerContract('JetStreamEventBroker', async (policy) => {
    const nc = await connectNats({ url: natsUrl, name: 'contract', connectTimeoutMs: 2_000 });
    const tag = randomUUID().slice(0, 8);
    const broker = new JetStreamEventBroker(nc, {
      stream: `TEST_${tag}`,
      subjectPrefix: `t${tag}.`,
      maxAgeMs: 60_000,
      duplicateWindowMs: 60_000,
      replicas: 1,
      ackWaitMs: 5_000,
      policy,
      log,
    });
    await broker.ensureStream();
    return {
      publisher: broker,
      subscriptions: broker,
      close: async () => {
        await broker.close();
        const { jetstreamManager } = await import('@nats-io/jetstream');
        await (await jetstreamManager(nc)).streams.delete(`TEST_${tag}`);
        await nc.close();
      },
    };
  });
}
