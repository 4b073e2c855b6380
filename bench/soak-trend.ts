/** One sample of the service during a soak, as the diagnostics listener reported it. */
export interface SoakSample {
  /** Seconds since the load started. */
  readonly elapsedSeconds: number;
  readonly time: string;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Heap in use after the last major GC; null until the first one. */
  readonly heapAfterGcBytes: number | null;
  /** Major GCs so far: a new value means `heapAfterGcBytes` is a new observation. */
  readonly majorGcs: number;
  readonly activeHandles: number;
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly loopUtilization: number;
  /** Responses and failures of the load so far. */
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface Line {
  readonly slope: number;
  readonly intercept: number;
}

/** Ordinary least squares through (x, y); needs two distinct x. */
export function leastSquares(points: readonly { readonly x: number; readonly y: number }[]): Line {
  const n = points.length;
  if (n < 2) throw new Error('a line needs at least two points');
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY);
    sxx += (p.x - meanX) ** 2;
  }
  if (sxx === 0) throw new Error('a line needs two distinct x values');
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

export interface TrendVerdict {
  readonly ok: boolean;
  /** One sentence: what was measured against which bound. */
  readonly reason: string;
  /** Major-GC observations after the warm-up that the line was fitted to. */
  readonly points: number;
  /** Judged window: from the end of the warm-up to the last sample. */
  readonly windowSeconds: number;
  readonly meanBytes: number | null;
  /** Bytes per second. */
  readonly slope: number | null;
  readonly line: Line | null;
  /** slope x window / mean, in percent. */
  readonly growthPercent: number | null;
  readonly maxGrowthPercent: number;
}

export const MIN_GC_POINTS = 3;

/**
 * Whether the heap that survives major GCs grows: a least-squares line
 * through the heap-after-GC observations after the warm-up (one per major
 * GC, not one per sample, so a GC seen by many samples is not weighted more);
 * its rise over the judged window must stay within `maxGrowthPercent` of the
 * observations' mean. Fewer than three observations cannot show a trend,
 * and that is a failure too: a leak watch that saw nothing has not passed.
 */
export function judgeHeapTrend(samples: readonly SoakSample[], settings: { readonly warmupSeconds: number; readonly maxGrowthPercent: number }): TrendVerdict {
  const judged = samples.filter((s) => s.elapsedSeconds >= settings.warmupSeconds);
  const last = judged.at(-1);
  const windowSeconds = last ? last.elapsedSeconds - settings.warmupSeconds : 0;
  // Counted over all samples: a GC of the warm-up first seen by a judged sample is not new.
  const observations = gcObservations(samples).filter((o) => o.elapsedSeconds >= settings.warmupSeconds);
  const empty = { points: observations.length, windowSeconds, maxGrowthPercent: settings.maxGrowthPercent };
  if (observations.length < MIN_GC_POINTS) {
    return {
      ...empty,
      ok: false,
      reason: `inconclusive: only ${observations.length} major GC${observations.length === 1 ? '' : 's'} after the warm-up (at least ${MIN_GC_POINTS} needed); run longer or with more load`,
      meanBytes: null,
      slope: null,
      line: null,
      growthPercent: null,
    };
  }
  const line = leastSquares(observations.map((o) => ({ x: o.elapsedSeconds, y: o.bytes })));
  const meanBytes = observations.reduce((sum, o) => sum + o.bytes, 0) / observations.length;
  const growthPercent = ((line.slope * windowSeconds) / meanBytes) * 100;
  const ok = growthPercent <= settings.maxGrowthPercent;
  const perMinute = `${formatMb(line.slope * 60)}/min`;
  const reason = ok
    ? `heap after GC is flat enough: the trend rises ${growthPercent.toFixed(1)}% of its mean (${formatMb(meanBytes)}) over ${Math.round(windowSeconds)} s (${perMinute}), within the bound of ${settings.maxGrowthPercent}%`
    : `heap after GC grows: the trend rises ${growthPercent.toFixed(1)}% of its mean (${formatMb(meanBytes)}) over ${Math.round(windowSeconds)} s (${perMinute}), beyond the bound of ${settings.maxGrowthPercent}%`;
  return { ...empty, ok, reason, meanBytes, slope: line.slope, line, growthPercent };
}

/** The samples where a new major GC had happened, as (time, heap after it). */
export function gcObservations(samples: readonly SoakSample[]): { elapsedSeconds: number; bytes: number }[] {
  const seen: { elapsedSeconds: number; bytes: number }[] = [];
  let lastCount: number | undefined;
  for (const sample of samples) {
    if (sample.heapAfterGcBytes === null || sample.majorGcs === lastCount) continue;
    lastCount = sample.majorGcs;
    seen.push({ elapsedSeconds: sample.elapsedSeconds, bytes: sample.heapAfterGcBytes });
  }
  return seen;
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
