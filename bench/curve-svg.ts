import type { CurvePoint } from './curve.ts';
import { niceTicks } from './soak-report.ts';

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { left: 70, right: 20, top: 50, bottom: 45 };

export interface CurvePlot {
  readonly title: string;
  readonly xLabel: string;
  readonly points: readonly CurvePoint[];
  /** Red subtitle when flagged, green otherwise. */
  readonly verdict: { readonly flagged: boolean; readonly reason: string };
}

/** One cost curve as a standalone SVG: server CPU µs/req over x, log x when it spans two decades or more. */
export function renderCurveSvg(plot: CurvePlot): string {
  const points = plot.points.filter((p) => Number.isFinite(p.y) && p.x > 0).sort((a, b) => a.x - b.x);
  const xs = points.map((p) => p.x);
  const xMin = Math.min(...xs, 1);
  const xMax = Math.max(...xs, xMin + 1);
  const logX = xMax / xMin >= 100;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const yTicks = niceTicks(0, Math.max(1, ...points.map((p) => p.y)));
  const yMax = yTicks.at(-1) ?? 1;
  const sx = (x: number) =>
    MARGIN.left + (logX ? (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin)) : (x - 0) / xMax) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(plot.title)}</text>`,
    `<text x="${MARGIN.left}" y="38" fill="${plot.verdict.flagged ? '#c62828' : '#2e7d32'}">${escapeXml(`${plot.verdict.flagged ? '⚠ ' : ''}${plot.verdict.reason}`)}</text>`,
  ];
  for (const tick of yTicks) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${fmt(sy(tick))}" y2="${fmt(sy(tick))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${fmt(sy(tick) + 4)}" text-anchor="end">${tick}</text>`);
  }
  for (const p of points) out.push(`<text x="${fmt(sx(p.x))}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${shortNumber(p.x)}</text>`);
  out.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(plot.xLabel)}${logX ? ' (log scale)' : ''}</text>`);
  out.push(`<text x="14" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})">server CPU µs/req</text>`);
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#757575"/>`);
  if (points.length > 0) {
    out.push(`<path d="${points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(p.x))},${fmt(sy(p.y))}`).join(' ')}" fill="none" stroke="#1565c0" stroke-width="2"/>`);
    for (const p of points) {
      out.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.y))}" r="3.5" fill="#1565c0"/>`);
      out.push(`<text x="${fmt(sx(p.x))}" y="${fmt(sy(p.y) - 8)}" text-anchor="middle" font-size="11">${Math.round(p.y)}</text>`);
    }
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function shortNumber(value: number): string {
  if (value >= 1_000_000 && value % 100_000 === 0) return `${value / 1_000_000}M`;
  if (value >= 1_000 && value % 100 === 0) return `${value / 1_000}k`;
  return String(value);
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function fmt(value: number): string {
  return value.toFixed(1);
}
