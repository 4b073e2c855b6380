import { Counter, Histogram } from 'prom-client';
import { CachedReading } from './cached-reading.ts';
import type { MetricsRegistry, Reading } from './metrics-registry.ts';

/** How one run of a job ended. */
type JobOutcome = 'completed' | 'failed' | 'dead';

/** Jobs of one queue by state, as the queue's table holds them. */
export interface QueueDepthReading {
  readonly queue: string;
  readonly counts: Readonly<Record<string, number>>;
}

export interface QueueDepthSource {
  readonly read: () => Promise<readonly QueueDepthReading[]>;
  /** A scrape uses a reading up to this old, so scrapes cannot hammer the database. */
  readonly maxAgeMs: number;
  /** A scrape waits this long for a reading at most; the depths are left out of it otherwise. */
  readonly timeoutMs: number;
}

// Seconds: a confirmation takes milliseconds, a job may run until it expires (minutes).
const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Queue depths, processing time, failures and dead letters per queue. */
export class JobMetrics {
  readonly #duration: Histogram<'queue' | 'outcome'>;
  readonly #failures: Counter<'queue'>;
  readonly #deadLetters: Counter<'queue'>;
  #depths: { readonly reading: CachedReading<readonly QueueDepthReading[]>; readonly timeoutMs: number } | undefined;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.#duration = new Histogram({
      name: 'job_processing_duration_seconds',
      help: 'Time one run of a job took, by queue and outcome (completed, failed and retried later, dead-lettered).',
      labelNames: ['queue', 'outcome'],
      buckets: PROCESSING_BUCKETS,
      registers,
    });
    this.#failures = new Counter({ name: 'job_failures_total', help: 'Job runs that failed (retried later or dead-lettered).', labelNames: ['queue'], registers });
    this.#deadLetters = new Counter({
      name: 'job_dead_letters_total',
      help: 'Jobs moved to the dead letters (last attempt failed, or the payload was invalid).',
      labelNames: ['queue'],
      registers,
    });
    metrics.readGauge('job_queue_depth', 'Jobs per queue and state (read at most once per few seconds).', ['queue', 'state'], () => this.#readDepths());
  }

  /** Reports queue depths from `source`. */
  watchDepths(source: QueueDepthSource): void {
    this.#depths = { reading: new CachedReading(source.read, source.maxAgeMs), timeoutMs: source.timeoutMs };
  }

  readonly jobFinished = (queue: string, outcome: JobOutcome, durationMs: number): void => {
    this.#duration.observe({ queue, outcome }, durationMs / 1000);
    if (outcome !== 'completed') this.#failures.inc({ queue });
    if (outcome === 'dead') this.#deadLetters.inc({ queue });
  };

  async #readDepths(): Promise<Reading<'queue' | 'state'>[]> {
    if (!this.#depths) return [];
    const { reading, timeoutMs } = this.#depths;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no queue depths within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const depths = await Promise.race([reading.get(), timeout]);
      // Every known queue shows a dead-letter count from the start, so the first dead letter is an increase.
      for (const { queue } of depths) this.#deadLetters.inc({ queue }, 0);
      return depths.flatMap(({ queue, counts }) => Object.entries(counts).map(([state, count]) => [{ queue, state }, count] as const));
    } finally {
      clearTimeout(timer);
    }
  }
}
