import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { hasNatsServerBinary, natsAnswers, startNatsServer } from '../test/support/nats-server.ts';

export interface BenchNats {
  readonly url: string;
  readonly description: string;
  /** The service's stream and subject prefix for this run: its own, so that runs and tests on one NATS do not mix. */
  readonly stream: string;
  readonly subjectPrefix: string;
  /** The harness's own connection (stream marks and message reads). */
  readonly nc: NatsConnection;
  /** Deletes the run's stream, closes the connection, and stops a nats-server the run started. */
  close(): Promise<void>;
}

/**
 * NATS with JetStream as the tests find it: TEST_NATS_URL, else NATS_URL,
 * else one answering on 127.0.0.1:4222, else `nats-server -js` from PATH on a
 * free port with a temporary store; undefined when none of these exists.
 */
export async function findBenchNats(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<BenchNats | undefined> {
  let url = env.TEST_NATS_URL || env.NATS_URL || 'nats://127.0.0.1:4222';
  let stopServer: (() => Promise<void>) | undefined;
  let origin = 'running';
  if (!(await natsAnswers(url))) {
    if (!(await hasNatsServerBinary())) return undefined;
    const server = await startNatsServer();
    url = server.url;
    stopServer = () => server.remove();
    origin = 'started by the bench (nats-server -js, temporary store)';
    log(`nats: none answers; started ${url}`);
  }
  const nc = await connect({ servers: url, name: 'ordersvc-bench' });
  const tag = `${process.pid}`;
  const stream = `ORDERSVC_BENCH_${tag}`;
  return {
    url,
    description: `NATS ${nc.info?.version ?? '?'} with JetStream (${new URL(url).host}, ${origin}), stream ${stream}`,
    stream,
    subjectPrefix: `bench${tag}.`,
    nc,
    async close() {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
      await stopServer?.();
    },
  };
}
