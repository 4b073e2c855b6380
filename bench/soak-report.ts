import { gcObservations, type SoakSample, type TrendVerdict } from './soak-trend.ts';

const MB = 1024 * 1024;

const COLUMNS: readonly { readonly name: string; readonly value: (s: SoakSample) => string | number }[] = [
  { name: 'elapsed_s', value: (s) => round(s.elapsedSeconds, 1) },
  { name: 'time', value: (s) => s.time },
  { name: 'rss_mb', value: (s) => round(s.rssBytes / MB, 2) },
  { name: 'heap_used_mb', value: (s) => round(s.heapUsedBytes / MB, 2) },
  { name: 'heap_after_gc_mb', value: (s) => (s.heapAfterGcBytes === null ? '' : round(s.heapAfterGcBytes / MB, 2)) },
  { name: 'major_gcs', value: (s) => s.majorGcs },
  { name: 'active_handles', value: (s) => s.activeHandles },
  { name: 'loop_delay_p50_ms', value: (s) => s.loopDelayP50Ms },
  { name: 'loop_delay_p99_ms', value: (s) => s.loopDelayP99Ms },
  { name: 'loop_delay_max_ms', value: (s) => s.loopDelayMaxMs },
  { name: 'loop_utilization', value: (s) => s.loopUtilization },
  { name: 'requests', value: (s) => s.requests },
  { name: 'non_2xx', value: (s) => s.non2xx },
  { name: 'errors', value: (s) => s.errors },
];

/** One header line, one line per sample; empty cells where there is no value yet (no major GC). */
export function formatCsv(samples: readonly SoakSample[]): string {
  const lines = [COLUMNS.map((c) => c.name).join(',')];
  for (const sample of samples) lines.push(COLUMNS.map((c) => csvCell(c.value(sample))).join(','));
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly dashed?: boolean;
  readonly dots?: boolean;
}

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
}

const WIDTH = 960;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 70, right: 190, top: 34, bottom: 30 };
const HEADER = 64;

/**
 * The run as a plain SVG: memory (RSS, heap used, heap after GC and its
 * trend line), event-loop delay, and active handles over time, the warm-up
 * shaded. Written by hand: three line charts do not need a library.
 */
export function renderSvg(samples: readonly SoakSample[], verdict: TrendVerdict, settings: { readonly warmupSeconds: number; readonly title: string }): string {
  const xMax = Math.max(1, ...samples.map((s) => s.elapsedSeconds));
  const observations = gcObservations(samples);
  const trend: Series[] =
    verdict.line === null
      ? []
      : [
          {
            label: 'heap-after-GC trend',
            color: verdict.ok ? '#2e7d32' : '#c62828',
            dashed: true,
            points: [settings.warmupSeconds, xMax].map((x) => ({ x, y: (verdict.line!.intercept + verdict.line!.slope * x) / MB })),
          },
        ];
  const panels: Panel[] = [
    {
      title: 'Memory',
      unit: 'MB',
      series: [
        { label: 'RSS', color: '#1565c0', points: samples.map((s) => ({ x: s.elapsedSeconds, y: s.rssBytes / MB })) },
        { label: 'heap used', color: '#9e9e9e', points: samples.map((s) => ({ x: s.elapsedSeconds, y: s.heapUsedBytes / MB })) },
        { label: 'heap after major GC', color: '#ef6c00', dots: true, points: observations.map((o) => ({ x: o.elapsedSeconds, y: o.bytes / MB })) },
        ...trend,
      ],
    },
    {
      title: 'Event-loop delay',
      unit: 'ms',
      series: [
        { label: 'p99', color: '#6a1b9a', points: samples.map((s) => ({ x: s.elapsedSeconds, y: s.loopDelayP99Ms })) },
        { label: 'max', color: '#ce93d8', points: samples.map((s) => ({ x: s.elapsedSeconds, y: s.loopDelayMaxMs })) },
      ],
    },
    {
      title: 'Active handles',
      unit: '',
      series: [{ label: 'handles', color: '#00838f', points: samples.map((s) => ({ x: s.elapsedSeconds, y: s.activeHandles })) }],
    },
  ];
  const height = HEADER + panels.length * PANEL_HEIGHT;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escapeXml(settings.title)}</text>`,
    `<text x="${MARGIN.left}" y="42" fill="${verdict.ok ? '#2e7d32' : '#c62828'}">${escapeXml(`${verdict.ok ? 'PASS' : 'FAIL'}: ${verdict.reason}`)}</text>`,
    ...panels.map((panel, index) => renderPanel(panel, HEADER + index * PANEL_HEIGHT, xMax, settings.warmupSeconds)),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function renderPanel(panel: Panel, top: number, xMax: number, warmupSeconds: number): string {
  const plotTop = top + MARGIN.top;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const values = panel.series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  const yTicks = niceTicks(0, Math.max(1e-9, ...values));
  const yMax = yTicks.at(-1) ?? 1;
  const xTicks = niceTicks(0, xMax);
  const sx = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
  const sy = (y: number) => plotTop + plotHeight - (y / yMax) * plotHeight;
  const out: string[] = [`<g>`, `<text x="${MARGIN.left}" y="${top + 20}" font-weight="bold">${escapeXml(panel.title)}${panel.unit ? ` (${panel.unit})` : ''}</text>`];
  if (warmupSeconds > 0) {
    out.push(`<rect x="${fmt(sx(0))}" y="${plotTop}" width="${fmt(sx(Math.min(warmupSeconds, xMax)) - sx(0))}" height="${plotHeight}" fill="#f2f2f2"/>`);
    out.push(`<text x="${fmt(sx(0) + 4)}" y="${plotTop + 12}" fill="#9e9e9e" font-size="10">warm-up</text>`);
  }
  for (const tick of yTicks) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${fmt(sy(tick))}" y2="${fmt(sy(tick))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${fmt(sy(tick) + 4)}" text-anchor="end">${tickLabel(tick)}</text>`);
  }
  for (const tick of xTicks.filter((t) => t <= xMax)) {
    out.push(`<text x="${fmt(sx(tick))}" y="${plotTop + plotHeight + 16}" text-anchor="middle">${tickLabel(tick)} s</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${plotTop}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#757575"/>`);
  panel.series.forEach((series, index) => {
    const finite = series.points.filter((p) => Number.isFinite(p.y));
    if (finite.length > 0 && !series.dots) {
      const d = finite.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(p.x))},${fmt(sy(p.y))}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="1.8"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    if (series.dots) for (const p of finite) out.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.y))}" r="3" fill="${series.color}"/>`);
    const legendY = plotTop + 12 + index * 18;
    const legendX = MARGIN.left + plotWidth + 14;
    out.push(`<line x1="${legendX}" x2="${legendX + 20}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2.5"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${legendX + 26}" y="${legendY}">${escapeXml(series.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** Round tick values from `min` to at least `max` (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = Math.max(max - min, 1e-9);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let value = Math.floor(min / step) * step; value < max + step - 1e-9; value += step) ticks.push(round(value, 10));
  return ticks;
}

function tickLabel(value: number): string {
  return Number.isInteger(value) ? String(value) : String(round(value, 3));
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
