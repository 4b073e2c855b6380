import { MAX_RSS_BYTES, type ScenarioInfo } from './catalog.ts';
import type { Measurement } from './measurement.ts';

/** One checked target of one scenario: what was wanted, what was measured, and by how much it was met or missed. */
export interface TargetLine {
  readonly scenario: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** e.g. "missed by 1.3× (26%)", "met with 4 ms to spare". */
  readonly by: string;
}

/** The scenario's server CPU per request as a multiple of its baseline's; null when either is missing. */
export function cpuRatio(scenario: Measurement, baseline: Measurement | undefined): number | null {
  const mine = scenario.cpuMicrosPerRequest;
  const theirs = baseline?.cpuMicrosPerRequest;
  if (mine === null || theirs === null || theirs === undefined || !(theirs > 0)) return null;
  return mine / theirs;
}

/** Every target of the scenario, plus the RSS bound every scenario has. */
export function checkTargets(info: ScenarioInfo, m: Measurement, baseline: Measurement | undefined): TargetLine[] {
  const lines: TargetLine[] = [];
  const t = info.target ?? {};
  if (t.maxCpuRatio !== undefined) {
    const ratio = cpuRatio(m, baseline);
    const target = `CPU/req ≤ ${t.maxCpuRatio}× ${info.baseline}`;
    if (ratio === null) lines.push({ scenario: info.name, target, measured: `no ${info.baseline} CPU to compare with`, met: false, by: 'not measured' });
    else {
      const met = ratio <= t.maxCpuRatio;
      const gap = Math.abs(ratio - t.maxCpuRatio);
      lines.push({
        scenario: info.name,
        target,
        measured: `${ratio.toFixed(2)}× (${Math.round(m.cpuMicrosPerRequest ?? 0)} vs ${Math.round(baseline?.cpuMicrosPerRequest ?? 0)} µs)`,
        met,
        by: `${met ? 'met with' : 'missed by'} ${gap.toFixed(2)}× (${Math.round((gap / t.maxCpuRatio) * 100)}%)${met ? ' to spare' : ''}`,
      });
    }
  }
  if (t.maxP99Ms !== undefined) lines.push(bound(info.name, 'p99', m.latencyP99Ms, t.maxP99Ms, 'ms'));
  if (t.zeroErrors) {
    const failures = m.errors + m.non2xx;
    lines.push({ scenario: info.name, target: '0 errors', measured: `${m.errors} errors, ${m.non2xx} non-2xx`, met: failures === 0, by: failures === 0 ? 'met' : `missed by ${failures}` });
  }
  if (m.peakRssBytes !== null) lines.push(bound(info.name, 'peak RSS', mebibytes(m.peakRssBytes), mebibytes(MAX_RSS_BYTES), 'MB'));
  return lines;
}

function bound(scenario: string, what: string, value: number, limit: number, unit: string): TargetLine {
  const met = value < limit;
  const gap = Math.abs(limit - value);
  return {
    scenario,
    target: `${what} < ${limit} ${unit}`,
    measured: `${round(value)} ${unit}`,
    met,
    by: met ? `met with ${round(gap)} ${unit} to spare` : `missed by ${round(gap)} ${unit} (${Math.round((gap / limit) * 100)}%)`,
  };
}

function mebibytes(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
