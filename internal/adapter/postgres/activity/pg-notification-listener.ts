import type pg from 'pg';
import type { ContextLogger } from '../../../domain/shared/context.ts';
import { fullJitterDelay, type BackoffPolicy } from '../../../platform/resilience/backoff.ts';

export interface NotificationListenerOptions {
  /** A new, unconnected client for a connection of the listener's own (never a pooled one). */
  readonly newClient: () => pg.Client;
  readonly channel: string;
  readonly onNotification: (payload: string | undefined) => void;
  /**
   * After LISTEN succeeded: at start and after every reconnect. Notifications
   * sent while the connection was down are lost, so whoever relies on them
   * re-reads what they may have missed here.
   */
  readonly onListening: () => void;
  readonly backoff: BackoffPolicy;
  /** How often the idle connection is checked with a query (a dead peer is otherwise only noticed by TCP). */
  readonly pingIntervalMs: number;
  readonly log: ContextLogger;
  /** What the notifications are, for log lines. Default `activity notifications`. */
  readonly name?: string | undefined;
}

/**
 * LISTENs on one dedicated connection and reconnects with jittered
 * exponential backoff whenever that connection fails.
 */
export class PgNotificationListener {
  readonly #options: NotificationListenerOptions;
  #client: pg.Client | undefined;
  #stopped = false;
  #retry = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #pinging = false;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
  }

  get #name(): string {
    return this.#options.name ?? 'activity notifications';
  }

  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** Connects and listens; the first attempt must succeed (the database is needed to serve anyway). */
  /** Listens from now on; when the database cannot be reached yet, it keeps trying in the background. */
  async start(): Promise<void> {
    try {
      await this.#connect();
    } catch (error) {
      this.#options.log.warn({ error: error instanceof Error ? error.message : String(error) }, `${this.#name} cannot listen yet; retrying`);
      this.#scheduleReconnect();
    }
    this.#pingTimer = setInterval(() => void this.#ping(), this.#options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = this.#options.newClient();
    client.on('notification', (message) => {
      if (message.channel === this.#options.channel) this.#options.onNotification(message.payload);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.#options.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retry = 0;
    this.#options.onListening();
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    this.#options.log.warn({ error: error.message }, `${this.#name} connection lost; reconnecting`);
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = fullJitterDelay(this.#retry, this.#options.backoff);
    this.#retry += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        this.#options.log.warn({ error: error instanceof Error ? error.message : String(error), retry: this.#retry }, `${this.#name} reconnect failed`);
        this.#scheduleReconnect();
      });
    }, delay);
  }

  // A connection whose peer vanished without a FIN looks idle forever; a query finds out.
  async #ping(): Promise<void> {
    const client = this.#client;
    if (!client || this.#pinging) return;
    this.#pinging = true;
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.#lost(client, error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#pinging = false;
    }
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
