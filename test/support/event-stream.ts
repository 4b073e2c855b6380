import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../../internal/adapter/nats/nats-connection.ts';

export interface StreamedEvent {
  readonly seq: number;
  /** Without the test's prefix. */
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly envelope: { id: string; type: string; subject: string; data: Record<string, unknown> } & Record<string, unknown>;
}

/** Reads a test's stream on NATS as a client would. */
export class EventStreamReader {
  readonly #nc: NatsConnection;
  readonly #stream: string;
  readonly #prefix: string;

  private constructor(nc: NatsConnection, stream: string, prefix: string) {
    this.#nc = nc;
    this.#stream = stream;
    this.#prefix = prefix;
  }

  static async open(url: string, stream: string, prefix: string): Promise<EventStreamReader> {
    return new EventStreamReader(await connectNats({ url, name: 'test-reader', connectTimeoutMs: 2_000 }), stream, prefix);
  }

  /** Every message in the stream now, in stream order. */
  async all(): Promise<StreamedEvent[]> {
    const jsm = await jetstreamManager(this.#nc);
    const info = await jsm.streams.info(this.#stream).catch(() => undefined);
    if (!info || info.state.messages === 0) return [];
    const consumer = await jetstream(this.#nc).consumers.get(this.#stream);
    const out: StreamedEvent[] = [];
    const last = info.state.last_seq;
    while (out.length === 0 || (out.at(-1)?.seq ?? 0) < last) {
      const messages = await consumer.fetch({ max_messages: 500, expires: 2_000 });
      let got = 0;
      for await (const msg of messages) {
        got += 1;
        out.push({ seq: msg.seq, subject: msg.subject.slice(this.#prefix.length), msgId: msg.headers?.get('Nats-Msg-Id'), envelope: msg.json() });
        if (msg.seq >= last) break;
      }
      if (got === 0) break;
    }
    return out;
  }

  /** Polls until `predicate` holds for the stream's events (or the timeout). */
  async until(predicate: (events: StreamedEvent[]) => boolean, timeoutMs = 20_000): Promise<StreamedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.all();
      if (predicate(events)) return events;
      if (Date.now() > deadline) throw new Error(`the stream never matched; it holds ${events.length} events: ${events.map((e) => e.subject).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    await (await jetstreamManager(this.#nc)).streams.delete(this.#stream).catch(() => undefined);
    await this.#nc.close();
  }
}
