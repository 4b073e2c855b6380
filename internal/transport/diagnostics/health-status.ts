import type { SizingReport } from '../../platform/sizing/resource-sizing.ts';
import type { Readiness } from '../../app/health/check-readiness.use-case.ts';
import type { QueueDepth } from '../../domain/jobs/job.ts';
import type { ScheduleStatus } from '../../platform/scheduler/scheduler.ts';

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

export interface BreakerStats {
  readonly state: string;
  /** Calls in flight and waiting at the bulkhead in front of it. */
  readonly running: number;
  readonly queued: number;
}

export interface SubscriberStats {
  readonly subscribers: number;
  readonly users: number;
  readonly bufferedEvents: number;
}

/** Where `/health/status` reads each part; cmd/ wires them. Each may fail alone. */
export interface HealthStatusSources {
  readonly version: string;
  readonly readiness: () => Promise<Readiness>;
  readonly pools: () => Readonly<Record<string, PoolStats>>;
  readonly queueDepths: (signal: AbortSignal) => Promise<readonly QueueDepth[]>;
  readonly breakers: () => Readonly<Record<string, BreakerStats>>;
  readonly schedules: () => { readonly instance: string; readonly schedules: readonly ScheduleStatus[] };
  readonly activity: () => SubscriberStats;
  /** What was sized from the container's limits at start, and why (undefined: not sized). */
  readonly sizing?: SizingReport;
  /** Configuration reloads: what applied, what was refused and why, what waits for a restart. */
  readonly config?: () => unknown;
}

type Section<T> = T | { readonly error: string };

/**
 * Everything an operator looks at first, in one document. A part that cannot
 * be read says why instead of failing the whole answer.
 */
export async function healthStatus(sources: HealthStatusSources, timeoutMs: number): Promise<Record<string, unknown>> {
  const [readiness, queues] = await Promise.all([
    section(() => withTimeout(sources.readiness, timeoutMs * 2)),
    section(() => withTimeout((signal) => sources.queueDepths(signal), timeoutMs)),
  ]);
  const schedules = await section(() => Promise.resolve(sources.schedules()));
  return {
    status: 'error' in readiness ? 'unknown' : readiness.status,
    version: sources.version,
    node: process.version,
    pid: process.pid,
    uptime_seconds: Math.round(process.uptime()),
    started_at: new Date(Date.now() - process.uptime() * 1_000).toISOString(),
    dependencies:
      'error' in readiness
        ? readiness
        : Object.fromEntries(
            Object.entries(readiness.checks).map(([name, state]) => [name, { status: state.status, latency_ms: state.latencyMs, ...(state.error ? { error: state.error } : {}) }]),
          ),
    pools: await section(() => Promise.resolve(sources.pools())),
    job_queues: 'error' in queues ? queues : queues.map((depth) => ({ queue: depth.queue, counts: depth.counts })),
    breakers: await section(() => Promise.resolve(sources.breakers())),
    sizing: sources.sizing ?? null,
    schedules:
      'error' in schedules
        ? schedules
        : {
            instance: schedules.instance,
            items: schedules.schedules.map((s) => ({
              name: s.name,
              enabled: s.enabled,
              cron: s.cron,
              runs: s.runs,
              succeeded: s.succeeded,
              failed: s.failed,
              timed_out: s.timedOut,
              skipped: {
                running: s.skipped.running,
                locked: s.skipped.locked,
                already_run: s.skipped.alreadyRun,
                missed: s.skipped.missed,
                unavailable: s.skipped.unavailable,
              },
              running: s.running !== undefined,
              next_due_at: s.nextDueAt?.toISOString() ?? null,
              last_run: s.lastRun ? { status: s.lastRun.status, finished_at: s.lastRun.finishedAt.toISOString(), duration_ms: s.lastRun.durationMs } : null,
            })),
          },
    activity: await section(() => Promise.resolve(sources.activity()).then((a) => ({ subscribers: a.subscribers, users: a.users, buffered_events: a.bufferedEvents }))),
    ...(sources.config ? { config: await section(() => Promise.resolve(sources.config?.())) } : {}),
  };
}

async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return await read();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function withTimeout<T>(read: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([read(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
