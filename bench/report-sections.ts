import type { CurveVerdict, Expectation } from './curve.ts';
import type { ProfileSummary } from './profile-summary.ts';
import type { RepeatedRun } from './repeated-run.ts';
import { count, cpu, ms, percent } from './format.ts';
import type { ScenarioInfo } from './catalog.ts';

export interface CurveResult {
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly expectation: Expectation;
  readonly points: readonly { readonly x: number; readonly result: RepeatedRun }[];
  readonly verdict: CurveVerdict;
  /** The SVG plot, relative to docs/ (where benchmarks.md is). */
  readonly svg: string;
}

/** Each cost curve as a table, its verdict and its plot. */
export function curveSection(curves: readonly CurveResult[]): string[] {
  if (curves.length === 0) return [];
  const lines = ['## Cost curves', '', 'Server CPU per request as the work grows. A `flat` curve should not grow (keyset paging over a bigger table); a `linear` one grows with the work but each unit should cost the same. A flagged curve grows where it should not.', ''];
  for (const curve of curves) {
    lines.push(
      `### ${curve.title} (${curve.expectation})${curve.verdict.flagged ? ' ⚠' : ''}`,
      '',
      `${curve.verdict.flagged ? '**Flagged**: ' : ''}${curve.verdict.reason}.`,
      '',
      `| ${curve.xLabel} | server CPU µs/req | spread | req/s | p99 ms | errors | non-2xx |`,
      '|--:|--:|--:|--:|--:|--:|--:|',
      ...curve.points.map(({ x, result }) => {
        const m = result.median;
        const spread = result.runs.length > 1 ? `±${percent(result.spread.cpuMicrosPerRequest / 2, 0)}` : '–';
        return `| ${count(x)} | ${cpu(m.cpuMicrosPerRequest)} | ${spread} | ${count(m.requestsPerSecond)} | ${ms(m.latencyP99Ms)} | ${m.errors} | ${m.non2xx} |`;
      }),
      '',
      `![${curve.title}](${curve.svg})`,
      '',
    );
  }
  return lines;
}

/** Per scenario: how busy the main thread was, and where its self time went, by package and by frame. */
export function profileSection(scenarios: readonly { readonly info: ScenarioInfo; readonly profile?: ProfileSummary }[]): string[] {
  const profiled = scenarios.flatMap((s) => (s.profile ? [{ info: s.info, profile: s.profile }] : []));
  if (profiled.length === 0) return [];
  const lines = ['## Where the CPU goes (self time of the measured window, by package)', ''];
  for (const { info, profile } of profiled) {
    lines.push(
      `### ${info.name}`,
      '',
      `Main thread idle ${percent(profile.idleShare)} of the window; shares below are of the busy time (${profile.busySamples} samples).`,
      '',
      `By package: ${profile.packages.map((p) => `${p.name} ${percent(p.share)}`).join(' · ')}`,
      '',
      '| top frames (self) | package | share |',
      '|---|---|--:|',
      ...profile.frames.map((f) => `| \`${f.name.replaceAll('|', '\\|')}\` | ${f.package} | ${percent(f.share)} |`),
      '',
    );
  }
  return lines;
}
