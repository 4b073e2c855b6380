import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { callRedis } from './redis-call.ts';

export interface InvalidationListener {
  /** Another instance changed `id`: drop the local copy. */
  onInvalidate(id: string): void;
  /** (Re)subscribed after a connection loss: messages may have been missed, drop everything. */
  onResync(): void;
  onError(error: unknown): void;
}

interface Message {
  readonly o: string;
  readonly id: string;
}

/**
 * Fans invalidations out to every instance over one Redis pub/sub channel.
 * Publishes through the caller's client; subscribes on a connection of its
 * own (`client.duplicate()`), which it owns: `close()` quits it. After every
 * (re)connect it subscribes again and, once Redis confirms, calls `onResync`.
 * Its own messages are ignored (the publisher already dropped its copy).
 */
export class RedisInvalidationBus {
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #timeoutMs: number;
  readonly #listener: InvalidationListener;
  readonly #origin = randomUUID();
  #closed = false;

  constructor(client: Redis, options: { readonly channel: string; readonly timeoutMs: number; readonly listener: InvalidationListener }) {
    this.#client = client;
    this.#channel = options.channel;
    this.#timeoutMs = options.timeoutMs;
    this.#listener = options.listener;
    // Subscribing is done by hand on every 'ready', so a subscribe that failed once is retried too.
    this.#subscriber = client.duplicate({ lazyConnect: false, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.#subscriber.on('ready', this.#onReady);
    this.#subscriber.on('message', this.#onMessage);
    this.#subscriber.on('error', this.#onError);
  }

  async publish(id: string): Promise<void> {
    const message: Message = { o: this.#origin, id };
    await callRedis(this.#client, this.#timeoutMs, () => this.#client.publish(this.#channel, JSON.stringify(message)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const subscriber = this.#subscriber;
    try {
      if (subscriber.status === 'ready') {
        await callRedis(subscriber, this.#timeoutMs, () => subscriber.unsubscribe(this.#channel));
        await callRedis(subscriber, this.#timeoutMs, () => subscriber.quit());
      }
    } catch {
      // Closing anyway: disconnect() below drops the socket and any reconnect timer.
    } finally {
      subscriber.disconnect();
      subscriber.off('ready', this.#onReady);
      subscriber.off('message', this.#onMessage);
      subscriber.off('error', this.#onError);
    }
  }

  readonly #onReady = (): void => {
    if (this.#closed) return;
    this.#subscriber.subscribe(this.#channel).then(
      () => {
        if (!this.#closed) this.#listener.onResync();
      },
      (error: unknown) => {
        if (this.#closed) return;
        this.#listener.onError(error);
        // Connected but not subscribed: reconnect, which subscribes again on 'ready'.
        this.#subscriber.disconnect(true);
      },
    );
  };

  readonly #onMessage = (channel: string, text: string): void => {
    if (channel !== this.#channel) return;
    const message = parse(text);
    if (message && message.o !== this.#origin) this.#listener.onInvalidate(message.id);
  };

  readonly #onError = (error: unknown): void => {
    if (!this.#closed) this.#listener.onError(error);
  };
}

function parse(text: string): Message | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { o, id } = value as Record<string, unknown>;
    return typeof o === 'string' && typeof id === 'string' ? { o, id } : undefined;
  } catch {
    return undefined;
  }
}
