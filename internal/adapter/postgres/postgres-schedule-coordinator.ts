import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { ClaimResult, RunLease, RunOutcome, RunSlot, ScheduleCoordinator } from '../../platform/scheduler/schedule-coordinator.ts';
import type { Database } from './database.ts';

export interface PostgresScheduleCoordinatorOptions {
  /** Names this replica in `schedule_runs` (host, process). */
  readonly instance: string;
  /** Runs older than this are deleted, a bounded batch after each run. */
  readonly historyRetentionMs?: number;
  /** Told when the lock connection fails: runs in progress are then no longer exclusive. */
  readonly onSessionError?: (error: Error) => void;
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_BATCH = 1_000;

/**
 * Scheduled runs made exclusive through PostgreSQL. One connection of this
 * replica (its own, outside the pool, so busy requests never starve it and it
 * never takes a request's slot), held while the scheduler lives, takes a
 * session advisory lock per
 * schedule for the whole of each run: another replica's `pg_try_advisory_lock`
 * then fails and it skips. Session locks die with their connection, so a
 * crashed replica never leaves a schedule blocked. Under the lock, the run is
 * inserted into `schedule_runs`, unique per (schedule, due time): a due time
 * already run elsewhere (a quick run, a lagging clock) is found and skipped.
 *
 * One instance per scheduler: advisory locks are re-entrant within a session,
 * so two schedulers sharing one would not exclude each other.
 */
export class PostgresScheduleCoordinator implements ScheduleCoordinator {
  readonly #db: Kysely<Database>;
  readonly #pool: pg.Pool;
  readonly #instance: string;
  readonly #retentionMs: number;
  readonly #onSessionError: (error: Error) => void;
  #session: Promise<pg.Client> | undefined;
  #closed = false;

  constructor(db: Kysely<Database>, pool: pg.Pool, options: PostgresScheduleCoordinatorOptions) {
    this.#db = db;
    this.#pool = pool;
    this.#instance = options.instance;
    this.#retentionMs = options.historyRetentionMs ?? DEFAULT_RETENTION_MS;
    this.#onSessionError = options.onSessionError ?? (() => undefined);
  }

  async claim(slot: RunSlot): Promise<ClaimResult> {
    if (this.#closed) throw new Error('the schedule coordinator is closed');
    const session = await this.#lockSession();
    const lock = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockName(slot.schedule)]);
    if (lock.rows[0]?.locked !== true) return { kind: 'busy' };
    try {
      const run = await this.#db
        .insertInto('schedule_runs')
        .values({ schedule: slot.schedule, due_at: slot.dueAt, trigger: slot.trigger, instance: this.#instance })
        .onConflict((conflict) => conflict.columns(['schedule', 'due_at']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!run) {
        await this.#unlock(session, slot.schedule);
        return { kind: 'already_run' };
      }
      // Under the lock no other run of this schedule is going anywhere: a
      // `running` row is one whose replica died mid-run.
      await this.#db
        .updateTable('schedule_runs')
        .set({ status: 'abandoned', finished_at: sql<Date>`now()` })
        .where('schedule', '=', slot.schedule)
        .where('status', '=', 'running')
        .where('id', '<>', run.id)
        .execute();
      return { kind: 'claimed', lease: this.#lease(session, slot, run.id) };
    } catch (error) {
      await this.#unlock(session, slot.schedule).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    // Destroying the connection (rather than returning it to the pool) ends every lock it holds.
    const client = session && (await session.catch(() => undefined));
    // Ending the connection ends every lock it holds.
    await client?.end().catch(() => undefined);
  }

  #lease(session: pg.Client, slot: RunSlot, id: string): RunLease {
    return {
      finish: async (outcome: RunOutcome) => {
        try {
          await this.#db
            .updateTable('schedule_runs')
            .set({
              status: outcome.status,
              finished_at: sql<Date>`now()`,
              duration_ms: Math.round(outcome.durationMs),
              error: outcome.error?.slice(0, 2_000) ?? null,
              result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
            })
            .where('id', '=', id)
            .execute();
          await this.#prune(slot.schedule);
        } finally {
          await this.#unlock(session, slot.schedule);
        }
      },
    };
  }

  async #prune(schedule: string): Promise<void> {
    const before = new Date(Date.now() - this.#retentionMs);
    const old = this.#db.selectFrom('schedule_runs').select('id').where('schedule', '=', schedule).where('due_at', '<', before).limit(PRUNE_BATCH);
    await this.#db.deleteFrom('schedule_runs').where('id', 'in', old).execute();
  }

  async #unlock(session: pg.Client, schedule: string): Promise<void> {
    // A session that failed (or was closed) has lost its locks with its connection.
    if (this.#session === undefined || (await this.#session.catch(() => undefined)) !== session) return;
    await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockName(schedule)]);
  }

  #lockSession(): Promise<pg.Client> {
    if (this.#session) return this.#session;
    // The pool's settings (server, credentials, timeouts) for a connection of its own.
    const client = new pg.Client({ ...this.#pool.options, application_name: `${this.#pool.options.application_name ?? 'ordersvc'}-scheduler` });
    const session = (async () => {
      client.on('error', (error) => {
        if (this.#session === session) this.#session = undefined;
        client.end().catch(() => undefined);
        this.#onSessionError(error);
      });
      await client.connect();
      if (this.#closed) {
        await client.end();
        throw new Error('the schedule coordinator is closed');
      }
      return client;
    })();
    // A failed connect is retried on the next claim.
    session.catch(() => {
      if (this.#session === session) this.#session = undefined;
      client.end().catch(() => undefined);
    });
    this.#session = session;
    return session;
  }
}

function lockName(schedule: string): string {
  return `ordersvc.schedule:${schedule}`;
}
