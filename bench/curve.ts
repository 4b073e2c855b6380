/**
 * A cost curve: server CPU per request measured at several sizes of the work
 * (lines per order, rows per page, rows in the table). Pure: the judgement of
 * whether a curve grows where it should not.
 */

/** `flat`: the work per request does not change with x (keyset paging over a bigger table). `linear`: it grows with x, but each unit should cost the same. */
export type Expectation = 'flat' | 'linear';

export interface CurvePoint {
  readonly x: number;
  /** Server CPU µs per request (median of the repeats); NaN when the point could not be measured. */
  readonly y: number;
}

export interface CurveVerdict {
  readonly flagged: boolean;
  readonly reason: string;
}

/** Costs below this difference are within the noise of a shared machine and never flag a curve. */
export const NOISE_FLOOR_MICROS = 50;
/** A flat curve may rise this much from its first to its highest point. */
export const FLAT_TOLERANCE = 0.3;
/** A growth of a linear curve beyond its tolerance below this share of its last point's cost is noise on a shared machine. */
export const NOISE_SHARE = 0.1;
/** A linear curve's last segment may cost this many times its first per unit of x. */
export const SLOPE_TOLERANCE = 2;

export function judgeCurve(expectation: Expectation, points: readonly CurvePoint[]): CurveVerdict {
  const measured = points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  if (measured.length < 2) return { flagged: false, reason: 'fewer than two points measured' };
  const first = measured[0] as CurvePoint;
  const last = measured.at(-1) as CurvePoint;
  if (expectation === 'flat') {
    const highest = measured.reduce((a, b) => (b.y > a.y ? b : a));
    const rise = (highest.y - first.y) / first.y;
    if (rise > FLAT_TOLERANCE && highest.y - first.y > NOISE_FLOOR_MICROS) {
      return { flagged: true, reason: `grows ${percent(rise)} from x=${first.x} to x=${highest.x} where it should be flat (tolerance ${percent(FLAT_TOLERANCE)})` };
    }
    const shown = highest === first ? last : highest;
    return { flagged: false, reason: `flat within ${percent(FLAT_TOLERANCE)} (${signed((shown.y - first.y) / first.y)} from x=${first.x} to x=${shown.x})` };
  }
  const firstSlope = slope(first, measured[1] as CurvePoint);
  const lastSlope = slope(measured.at(-2) as CurvePoint, last);
  const perUnit = `${round(firstSlope)} µs per unit at first, ${round(lastSlope)} at last`;
  // The cost above what the tolerated slope allows must also be more than noise: the floor, and a tenth of the last point's cost.
  const excess = (lastSlope - SLOPE_TOLERANCE * Math.max(firstSlope, 0)) * (last.x - (measured.at(-2) as CurvePoint).x);
  if (measured.length >= 3 && excess > Math.max(NOISE_FLOOR_MICROS, NOISE_SHARE * last.y)) {
    return { flagged: true, reason: `grows faster than the work: ${perUnit} (tolerance ${SLOPE_TOLERANCE}×)` };
  }
  return { flagged: false, reason: `grows with the work: ${perUnit}` };
}

function slope(a: CurvePoint, b: CurvePoint): number {
  return (b.y - a.y) / (b.x - a.x);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function signed(share: number): string {
  return `${share >= 0 ? '+' : ''}${Math.round(share * 100)}%`;
}

function round(value: number): string {
  return Math.abs(value) >= 10 ? String(Math.round(value)) : value.toFixed(1);
}
