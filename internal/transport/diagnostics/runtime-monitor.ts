import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

const NS_PER_MS = 1e6;

export interface EventLoopReport {
  /** Start of the window the numbers cover (the listener's start, or the last reset). */
  readonly since: string;
  /** How often the loop is sampled; the delays are what each sample came later than that. */
  readonly resolutionMs: number;
  readonly delayMs: {
    readonly min: number;
    readonly mean: number;
    readonly max: number;
    readonly stddev: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly p999: number;
  };
  /** Share of the window the loop was busy (0..1). */
  readonly utilization: number;
  readonly samples: number;
}

export interface HeapReport {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly heapLimitBytes: number;
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
  /** Heap in use right after the last major (mark-sweep-compact) GC: what survives, the number a leak moves. */
  readonly afterLastMajorGc: { readonly heapUsedBytes: number; readonly at: string } | null;
  readonly gc: { readonly major: number; readonly minor: number; readonly incremental: number; readonly totalPauseMs: number; readonly maxPauseMs: number };
}

export interface HandlesReport {
  readonly total: number;
  /** Counted by type as `process.getActiveResourcesInfo()` names them (TCPSocketWrap, Timeout, ...). */
  readonly byType: Readonly<Record<string, number>>;
}

/**
 * Watches the process while the diagnostics listener runs: an event-loop
 * delay histogram, event-loop utilisation and a GC observer that notes the
 * heap in use after every major GC. Call `stop` once.
 */
export class RuntimeMonitor {
  readonly #histogram: IntervalHistogram;
  readonly #resolutionMs: number;
  readonly #gcObserver: PerformanceObserver;
  #windowStart: Date;
  #eluAtWindowStart: EventLoopUtilization;
  #afterMajorGc: { heapUsedBytes: number; at: Date } | null = null;
  readonly #gc = { major: 0, minor: 0, incremental: 0, totalPauseMs: 0, maxPauseMs: 0 };

  constructor(resolutionMs = 10) {
    this.#resolutionMs = resolutionMs;
    this.#histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#histogram.enable();
    this.#windowStart = new Date();
    this.#eluAtWindowStart = performance.eventLoopUtilization();
    this.#gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#onGc(entry);
    });
    this.#gcObserver.observe({ type: 'gc' });
  }

  /** The delay histogram and utilisation of the current window; `reset` starts a new window after reading. */
  eventLoop(reset: boolean): EventLoopReport {
    const h = this.#histogram;
    // The histogram records the time between timer ticks, the interval included: the delay is what exceeds it.
    const delay = (ns: number) => (h.count > 0 && Number.isFinite(ns) ? round(Math.max(0, ns / NS_PER_MS - this.#resolutionMs)) : 0);
    const ms = (ns: number) => (h.count > 0 && Number.isFinite(ns) ? round(ns / NS_PER_MS) : 0);
    const report: EventLoopReport = {
      since: this.#windowStart.toISOString(),
      resolutionMs: this.#resolutionMs,
      delayMs: {
        min: delay(h.min),
        mean: delay(h.mean),
        max: delay(h.max),
        stddev: ms(h.stddev),
        p50: delay(h.percentile(50)),
        p90: delay(h.percentile(90)),
        p99: delay(h.percentile(99)),
        p999: delay(h.percentile(99.9)),
      },
      utilization: round(performance.eventLoopUtilization(this.#eluAtWindowStart).utilization, 4),
      samples: h.count,
    };
    if (reset) {
      h.reset();
      this.#windowStart = new Date();
      this.#eluAtWindowStart = performance.eventLoopUtilization();
    }
    return report;
  }

  heap(): HeapReport {
    const memory = process.memoryUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      heapLimitBytes: getHeapStatistics().heap_size_limit,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      afterLastMajorGc: this.#afterMajorGc && { heapUsedBytes: this.#afterMajorGc.heapUsedBytes, at: this.#afterMajorGc.at.toISOString() },
      gc: { ...this.#gc, totalPauseMs: round(this.#gc.totalPauseMs), maxPauseMs: round(this.#gc.maxPauseMs) },
    };
  }

  handles(): HandlesReport {
    const byType: Record<string, number> = {};
    const resources = process.getActiveResourcesInfo();
    for (const type of resources) byType[type] = (byType[type] ?? 0) + 1;
    return { total: resources.length, byType };
  }

  stop(): void {
    this.#gcObserver.disconnect();
    this.#histogram.disable();
  }

  #onGc(entry: PerformanceEntry): void {
    // `detail` is typed on the subclasses only; gc entries carry { kind, flags } there.
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    this.#gc.totalPauseMs += entry.duration;
    this.#gc.maxPauseMs = Math.max(this.#gc.maxPauseMs, entry.duration);
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      this.#gc.major += 1;
      // Observers are told shortly after the collection: close enough to what it left.
      this.#afterMajorGc = { heapUsedBytes: getHeapStatistics().used_heap_size, at: new Date() };
    } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      this.#gc.minor += 1;
    } else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) {
      this.#gc.incremental += 1;
    }
  }
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
