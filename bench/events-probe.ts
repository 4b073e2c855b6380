import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../internal/adapter/postgres/database.ts';
import type { BenchNats } from './bench-nats.ts';
import { rfc3339Millis, sampleSequences, type EventsWindow } from './events-stats.ts';

/** Where the stream stood when a window opened. */
export interface StreamMark {
  readonly lastSeq: number;
  readonly atMs: number;
}

/** Messages whose latency is read per window; read a few at a time by sequence. */
const SAMPLES = 2_000;
const READS_IN_FLIGHT = 16;

/**
 * Measures the events the service relays to JetStream over a scenario's
 * measured window. "Commit time" is the outbox row's `created_at`: the
 * database's `now()`, i.e. the start of the transaction that wrote the event
 * (PostgreSQL keeps no commit time unless `track_commit_timestamp` is on,
 * which the shared server is not to be reconfigured for); "in the stream" is
 * the time JetStream stamped when it stored the message. Both clocks are this
 * machine's. The latency therefore includes the rest of that transaction (a
 * few statements), the relay's wake-up (LISTEN/NOTIFY), its batch claim and
 * the publish with its ack.
 */
export class EventsProbe {
  readonly #nats: BenchNats;
  readonly #db: Kysely<Database>;
  #jsm: JetStreamManager | undefined;

  constructor(nats: BenchNats, db: Kysely<Database>) {
    this.#nats = nats;
    this.#db = db;
  }

  /** The stream's last sequence now; 0 while the service has not created its stream yet (it does so in the background when NATS comes late). */
  async mark(): Promise<StreamMark> {
    const atMs = Date.now();
    const jsm = await this.#manager();
    const info = await jsm.streams.info(this.#nats.stream).catch((error: unknown) => {
      if (error instanceof Error && /stream not found/i.test(error.message)) return undefined;
      throw error;
    });
    return { lastSeq: info?.state.last_seq ?? 0, atMs };
  }

  async window(scenario: string, start: StreamMark): Promise<EventsWindow> {
    const end = await this.mark();
    const seconds = (end.atMs - start.atMs) / 1000;
    const counts = await sql<{ written: string; pending: string }>`
      SELECT count(*) FILTER (WHERE created_at >= to_timestamp(${start.atMs / 1000}) AND created_at < to_timestamp(${end.atMs / 1000})) AS written,
             count(*) FILTER (WHERE published_at IS NULL) AS pending
      FROM outbox`.execute(this.#db);
    const stored = await this.#read(sampleSequences(start.lastSeq, end.lastSeq, SAMPLES));
    const created = await this.#createdAt(stored.map((m) => m.id));
    const latenciesMs = stored.flatMap((m) => {
      const at = created.get(m.id);
      return at === undefined || !Number.isFinite(m.storedMs) ? [] : [m.storedMs - at];
    });
    const row = counts.rows[0];
    return {
      scenario,
      seconds,
      written: Number(row?.written ?? 0),
      relayed: end.lastSeq - start.lastSeq,
      latenciesMs,
      pendingAtEnd: Number(row?.pending ?? 0),
      meanBytes: stored.length === 0 ? Number.NaN : stored.reduce((total, m) => total + m.bytes, 0) / stored.length,
    };
  }

  async #manager(): Promise<JetStreamManager> {
    this.#jsm ??= await jetstreamManager(this.#nats.nc);
    return this.#jsm;
  }

  async #read(seqs: readonly number[]): Promise<{ id: string; storedMs: number; bytes: number }[]> {
    const jsm = await this.#manager();
    const found: { id: string; storedMs: number; bytes: number }[] = [];
    const queue = [...seqs];
    const reader = async () => {
      for (let seq = queue.shift(); seq !== undefined; seq = queue.shift()) {
        const message = await jsm.streams.getMessage(this.#nats.stream, { seq }).catch(() => null);
        const id = message?.header?.get('Nats-Msg-Id');
        if (message && id) found.push({ id, storedMs: rfc3339Millis(message.timestamp), bytes: message.data.byteLength });
      }
    };
    await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader));
    return found;
  }

  async #createdAt(ids: readonly string[]): Promise<Map<string, number>> {
    // Message ids are event ids (uuid); a dead letter's id has a suffix and is not an outbox row.
    const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (uuids.length === 0) return new Map();
    const rows = await sql<{ id: string; ms: string }>`
      SELECT id::text AS id, (extract(epoch FROM created_at) * 1000)::text AS ms FROM outbox WHERE id = ANY(${uuids}::uuid[])`.execute(this.#db);
    return new Map(rows.rows.map((r) => [r.id, Number(r.ms)]));
  }
}
