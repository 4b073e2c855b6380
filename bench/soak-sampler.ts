import type { SoakLoadCounts } from './soak-load.ts';
import type { SoakSample } from './soak-trend.ts';

interface HeapAnswer {
  readonly rss_bytes: number;
  readonly heap_used_bytes: number;
  readonly after_last_major_gc: { readonly heap_used_bytes: number } | null;
  readonly gc: { readonly major: number };
}

interface LoopAnswer {
  readonly delay_ms: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly utilization: number;
}

interface HandlesAnswer {
  readonly total: number;
}

/**
 * One sample from the service's diagnostics listener. The event-loop window
 * is reset by each read, so the delay is that of the interval since the last
 * sample.
 */
export async function takeSample(diagnosticsUrl: string, elapsedSeconds: number, load: SoakLoadCounts): Promise<SoakSample> {
  const [heap, loop, handles] = await Promise.all([
    get<HeapAnswer>(`${diagnosticsUrl}/runtime/heap`),
    get<LoopAnswer>(`${diagnosticsUrl}/runtime/event-loop?reset=true`),
    get<HandlesAnswer>(`${diagnosticsUrl}/runtime/handles`),
  ]);
  return {
    elapsedSeconds,
    time: new Date().toISOString(),
    rssBytes: heap.rss_bytes,
    heapUsedBytes: heap.heap_used_bytes,
    heapAfterGcBytes: heap.after_last_major_gc?.heap_used_bytes ?? null,
    majorGcs: heap.gc.major,
    activeHandles: handles.total,
    loopDelayP50Ms: loop.delay_ms.p50,
    loopDelayP99Ms: loop.delay_ms.p99,
    loopDelayMaxMs: loop.delay_ms.max,
    loopUtilization: loop.utilization,
    requests: load.requests,
    non2xx: load.non2xx,
    errors: load.errors,
  };
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
