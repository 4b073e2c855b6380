import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';

export interface NatsConnectionSettings {
  readonly url: string;
  readonly name: string;
  readonly connectTimeoutMs: number;
}

/**
 * Connects to NATS; once connected it reconnects for ever (the outbox holds
 * the events meanwhile). The first connect fails when no server answers:
 * the caller retries it in the background.
 */
export function connectNats(settings: NatsConnectionSettings): Promise<NatsConnection> {
  return connect({
    servers: settings.url.split(',').map((server) => server.trim()),
    name: settings.name,
    timeout: settings.connectTimeoutMs,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
}
