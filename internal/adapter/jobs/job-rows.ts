import { sql, type Kysely, type Transaction } from 'kysely';
import type { JobListQuery, JobState, JobView, QueueDepth } from '../../domain/jobs/job.ts';
import { JOB_STATES } from '../../domain/jobs/job.ts';
import type { Database } from '../postgres/database.ts';

/** The suffix of a queue's dead letter queue. */
const DEAD_SUFFIX = '.dead';
export const deadLetterQueueOf = (queue: string): string => `${queue}${DEAD_SUFFIX}`;

type Db = Kysely<Database> | Transaction<Database>;

/** A row of pgboss.job, as read here. */
interface PgBossJobRow {
  id: string;
  name: string;
  state: Exclude<JobState, 'dead'>;
  priority: number;
  data: unknown;
  singleton_key: string | null;
  retry_count: number;
  retry_limit: number;
  output: unknown;
  created_on: Date;
  start_after: Date;
  started_on: Date | null;
  completed_on: Date | null;
  source_name: string | null;
  source_id: string | null;
  source_output: unknown;
  source_retry_count: number | null;
}

const COLUMNS = sql.raw(
  'id, name, state::text AS state, priority, data, singleton_key, retry_count, retry_limit, output, created_on, start_after, started_on, completed_on, source_name, source_id, source_output, source_retry_count',
);

/**
 * Reads pg-boss's job table directly: pg-boss has no listing by state across
 * queues, and these reads need keyset pagination. Only reads and one delete
 * of dead copies happen here; every state change goes through pg-boss.
 */
export class JobRows {
  readonly #queues: readonly string[];

  constructor(queues: readonly string[]) {
    this.#queues = queues;
  }

  async list(db: Db, query: JobListQuery, signal?: AbortSignal): Promise<JobView[]> {
    const names = this.#namesFor(query.queue, query.state);
    if (names.length === 0) return [];
    const state = query.state === undefined || query.state === 'dead' ? null : query.state;
    const after = query.after;
    const { rows } = await sql<PgBossJobRow>`
      SELECT ${COLUMNS} FROM pgboss.job
      WHERE name = ANY(${names}::text[])
        AND (${state}::text IS NULL OR state::text = ${state}::text)
        AND (${after?.createdAt ?? null}::timestamptz IS NULL OR (created_on, id) < (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY created_on DESC, id DESC
      LIMIT ${query.limit}`.execute(db, signal ? { signal } : {});
    return rows.map(toView);
  }

  async find(db: Db, id: string): Promise<JobView | undefined> {
    const { rows } = await sql<PgBossJobRow>`
      SELECT ${COLUMNS} FROM pgboss.job WHERE name = ANY(${this.#allNames()}::text[]) AND id = ${id}::uuid`.execute(db);
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  /**
   * The trace context stored with each of a fetched batch's jobs at enqueue (W3C carrier fields), by job id.
   * pg-boss continues a job's trace only for a batch of one; a larger batch's span merely links them.
   */
  async traceContextsOf(db: Db, queue: string, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const { rows } = await sql<{ id: string; trace_context: unknown }>`
      SELECT id, trace_context FROM pgboss.job
      WHERE name = ${queue} AND id = ANY(${ids}::uuid[]) AND trace_context IS NOT NULL`.execute(db);
    return new Map(rows.flatMap((row) => (isCarrier(row.trace_context) ? [[row.id, row.trace_context] as const] : [])));
  }

  /** The dead copy, still parked, of the job `id` of `queue`. */
  async deadCopyOf(db: Db, queue: string, id: string): Promise<string | undefined> {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM pgboss.job WHERE name = ${deadLetterQueueOf(queue)} AND source_id = ${id}::uuid AND state < 'active'
      ORDER BY created_on DESC LIMIT 1`.execute(db);
    return rows[0]?.id;
  }

  /** The job a redrive created in `queue` for the dead-letter chain that started with `rootId`. */
  async redrivenFrom(db: Db, queue: string, rootId: string): Promise<JobView | undefined> {
    const { rows } = await sql<PgBossJobRow>`
      SELECT ${COLUMNS} FROM pgboss.job WHERE name = ${queue} AND source_root_id = ${rootId}::uuid AND state < 'active'
      ORDER BY created_on DESC LIMIT 1`.execute(db);
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async rootIdOf(db: Db, deadQueue: string, deadId: string): Promise<string | undefined> {
    const { rows } = await sql<{ root: string | null }>`
      SELECT COALESCE(source_root_id, source_id) AS root FROM pgboss.job WHERE name = ${deadQueue} AND id = ${deadId}::uuid`.execute(db);
    return rows[0]?.root ?? undefined;
  }

  async depths(db: Db): Promise<QueueDepth[]> {
    const { rows } = await sql<{ name: string; state: string; count: number }>`
      SELECT name, state::text AS state, count(*)::int AS count FROM pgboss.job
      WHERE name = ANY(${this.#allNames()}::text[]) GROUP BY name, state`.execute(db);
    return this.#queues.map((queue) => {
      const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
      for (const row of rows) {
        if (row.name === queue) counts[row.state as Exclude<JobState, 'dead'>] += row.count;
        else if (row.name === deadLetterQueueOf(queue) && row.state !== 'completed' && row.state !== 'cancelled') counts.dead += row.count;
      }
      return { queue, counts };
    });
  }

  #allNames(): string[] {
    return this.#queues.flatMap((queue) => [queue, deadLetterQueueOf(queue)]);
  }

  #namesFor(queue: string | undefined, state: JobState | undefined): string[] {
    const queues = queue === undefined ? this.#queues : this.#queues.filter((known) => known === queue);
    if (state === 'dead') return queues.map(deadLetterQueueOf);
    if (state !== undefined) return [...queues];
    return queues.flatMap((name) => [name, deadLetterQueueOf(name)]);
  }
}

function toView(row: PgBossJobRow): JobView {
  const dead = row.name.endsWith(DEAD_SUFFIX);
  return {
    id: row.id,
    queue: dead ? (row.source_name ?? row.name.slice(0, -DEAD_SUFFIX.length)) : row.name,
    state: dead && row.state !== 'completed' && row.state !== 'cancelled' ? 'dead' : row.state,
    priority: row.priority,
    payload: row.data,
    dedupeKey: row.singleton_key ?? undefined,
    attempts: dead ? (row.source_retry_count ?? 0) + 1 : attemptsOf(row),
    retryLimit: row.retry_limit,
    lastError: errorMessage(dead ? row.source_output : row.output),
    createdAt: row.created_on,
    startAfter: row.start_after,
    startedAt: row.started_on ?? undefined,
    completedAt: row.completed_on ?? undefined,
    originalId: dead ? (row.source_id ?? undefined) : undefined,
  };
}

// retry_count counts the claims after the first one; a job waiting to retry has had retry_count + 1 attempts.
function attemptsOf(row: PgBossJobRow): number {
  return row.state === 'created' ? 0 : row.retry_count + 1;
}

/** pg-boss stores a failure as the serialized error (or the output a handler returned). */
function errorMessage(output: unknown): string | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const { message } = output as { message?: unknown };
  return typeof message === 'string' ? message : undefined;
}

function isCarrier(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((field) => typeof field === 'string');
}
