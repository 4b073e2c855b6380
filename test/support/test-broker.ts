import type { NatsConnection } from '@nats-io/nats-core';
import { JetStreamEventBroker } from '../../internal/adapter/nats/jetstream-event-broker.ts';

type BrokerLog = ConstructorParameters<typeof JetStreamEventBroker>[1]['log'];

/** A JetStream broker on a stream of the test's own, with short redelivery and a long dedupe window (tests replay within minutes). */
export function testBroker(nc: NatsConnection, stream: string, subjectPrefix: string, log: BrokerLog): JetStreamEventBroker {
  return new JetStreamEventBroker(nc, {
    stream,
    subjectPrefix,
    maxAgeMs: 600_000,
    duplicateWindowMs: 600_000,
    replicas: 1,
    ackWaitMs: 5_000,
    policy: { maxDeliver: 3, backoffMs: [10] },
    log,
  });
}
