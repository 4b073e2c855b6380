import { describe, expect, it } from 'vitest';
import { formatCsv, niceTicks, renderSvg } from './soak-report.ts';
import { judgeHeapTrend, type SoakSample } from './soak-trend.ts';

const MB = 1024 * 1024;

function sample(i: number, overrides: Partial<SoakSample> = {}): SoakSample {
  return {
    elapsedSeconds: i * 5,
    time: `2026-01-01T00:00:${String(i * 5).padStart(2, '0')}.000Z`,
    rssBytes: 100 * MB + i * MB,
    heapUsedBytes: 60.5 * MB,
    heapAfterGcBytes: (40 + i) * MB,
    majorGcs: i + 1,
    activeHandles: 42,
    loopDelayP50Ms: 10.1,
    loopDelayP99Ms: 11.5,
    loopDelayMaxMs: 25,
    loopUtilization: 0.35,
    requests: i * 1_000,
    non2xx: 0,
    errors: 0,
    ...overrides,
  };
}

describe('formatCsv', () => {
  it('when samples are written, then there is a header and one row per sample in MB and ms', () => {
    const csv = formatCsv([sample(0), sample(1)]);

    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'elapsed_s,time,rss_mb,heap_used_mb,heap_after_gc_mb,major_gcs,active_handles,loop_delay_p50_ms,loop_delay_p99_ms,loop_delay_max_ms,loop_utilization,requests,non_2xx,errors',
    );
    expect(lines[2]).toBe('5,2026-01-01T00:00:05.000Z,101,60.5,41,2,42,10.1,11.5,25,0.35,1000,0,0');
  });

  it('when no major GC has happened yet, then the heap-after-GC cell is empty', () => {
    const csv = formatCsv([sample(0, { heapAfterGcBytes: null, majorGcs: 0 })]);

    expect(csv.split('\n')[1]?.split(',')[4]).toBe('');
  });
});

describe('renderSvg', () => {
  const samples = Array.from({ length: 20 }, (_, i) => sample(i));

  it('when a run is plotted, then the SVG has the title, the verdict, three panels and the trend line', () => {
    const verdict = judgeHeapTrend(samples, { warmupSeconds: 20, maxGrowthPercent: 10 });

    const svg = renderSvg(samples, verdict, { warmupSeconds: 20, title: 'soak <test> & more' });

    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
    expect(svg).toContain('soak &lt;test&gt; &amp; more');
    expect(svg).toContain('FAIL: heap after GC grows');
    for (const title of ['Memory (MB)', 'Event-loop delay (ms)', 'Active handles']) expect(svg).toContain(title);
    expect(svg).toContain('heap-after-GC trend');
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg.match(/<circle /g)).toHaveLength(20);
    expect(svg).toContain('warm-up');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('when the run is inconclusive, then it is plotted without a trend line', () => {
    const flat = samples.map((s) => ({ ...s, majorGcs: 1 }));
    const verdict = judgeHeapTrend(flat, { warmupSeconds: 20, maxGrowthPercent: 10 });

    const svg = renderSvg(flat, verdict, { warmupSeconds: 20, title: 'soak' });

    expect(svg).toContain('FAIL: inconclusive');
    expect(svg).not.toContain('heap-after-GC trend');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('niceTicks', () => {
  it.each([
    [0, 97, [0, 20, 40, 60, 80, 100]],
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 600, [0, 200, 400, 600]],
  ])('when the range is %s to %s, then the ticks are %j', (min, max, ticks) => {
    expect(niceTicks(min, max)).toEqual(ticks);
  });
});
