import { BASELINES, MAX_RSS_BYTES, NON_2XX_FLAG_SHARE, type BaselineName, type ScenarioInfo, type Target } from './catalog.ts';
import type { Machine } from './machine.ts';
import type { Measurement } from './measurement.ts';

export interface Environment extends Machine {
  readonly date: string;
  readonly command: string;
  readonly postgres: string;
  readonly redis: string;
}

export interface ScenarioResult {
  readonly info: ScenarioInfo;
  /** Absent when the scenario could not run (the reason is in `skipped`). */
  readonly measurement?: Measurement;
  readonly skipped?: string;
}

export interface BenchReport {
  readonly environment: Environment;
  readonly settings: {
    readonly quick: boolean;
    readonly connections: number;
    readonly warmupSeconds: number;
    readonly durationSeconds: number;
    readonly users: number;
    readonly products: number;
    readonly productStock: number;
  };
  /** Service settings raised so that our own throttles are not what is measured. */
  readonly raisedLimits: Readonly<Record<string, string>>;
  /** The service's runtime settings (`NODE_OPTIONS=… MALLOC_…=…`): the API Deployment's, plus any profiling flags. */
  readonly serviceRuntime: string;
  readonly baselines: readonly Measurement[];
  readonly scenarios: readonly ScenarioResult[];
  /** Stock taken minus units held by orders after order-place: anything but 0 is oversold or lost stock. */
  readonly stockDrift: number | null;
  /** Peak VmRSS of the service over its whole life in this run. */
  readonly servicePeakRssBytes: number | null;
  readonly notes: readonly string[];
}

export interface TargetCheck {
  readonly description: string;
  readonly misses: readonly string[];
}

/** The scenario's 2xx req/s as a share of its baseline's; null when either is missing or the baseline served nothing. */
export function ratioTo(scenario: Measurement, baseline: Measurement | undefined): number | null {
  if (!baseline || !(baseline.okPerSecond > 0)) return null;
  return scenario.okPerSecond / baseline.okPerSecond;
}

export function non2xxShare(m: Measurement): number {
  return m.requests === 0 ? 0 : m.non2xx / m.requests;
}

/** Warnings that must be seen next to the numbers: failures that would otherwise flatter req/s. */
export function flagsOf(m: Measurement): string[] {
  const flags: string[] = [];
  if (m.requests === 0) flags.push('no responses');
  const share = non2xxShare(m);
  if (share > NON_2XX_FLAG_SHARE) flags.push(`non-2xx ${percent(share)}`);
  if (m.errors > 0) flags.push(`${m.errors} errors${m.timeouts > 0 ? ` (${m.timeouts} timeouts)` : ''}`);
  if (m.peakRssBytes !== null && m.peakRssBytes > MAX_RSS_BYTES) flags.push(`RSS over ${mebibytes(MAX_RSS_BYTES)} MB`);
  return flags;
}

export function describeTarget(target: Target, baseline: BaselineName): string {
  const parts: string[] = [];
  if (target.minRatio !== undefined) parts.push(`≥ ${percent(target.minRatio, 0)} of ${baseline}`);
  if (target.maxP99Ms !== undefined) parts.push(`p99 < ${target.maxP99Ms} ms`);
  if (target.zeroErrors) parts.push('0 errors');
  return parts.join(', ');
}

export function checkTarget(info: ScenarioInfo, m: Measurement, baseline: Measurement | undefined): TargetCheck | undefined {
  const { target } = info;
  if (!target) return undefined;
  const misses: string[] = [];
  const ratio = ratioTo(m, baseline);
  if (target.minRatio !== undefined) {
    if (ratio === null) misses.push(`no ${info.baseline} baseline to compare with`);
    else if (ratio < target.minRatio) misses.push(`ratio ${percent(ratio)} < ${percent(target.minRatio, 0)}`);
  }
  if (target.maxP99Ms !== undefined && !(m.latencyP99Ms < target.maxP99Ms)) misses.push(`p99 ${m.latencyP99Ms} ms ≥ ${target.maxP99Ms} ms`);
  if (target.zeroErrors && (m.errors > 0 || m.non2xx > 0)) misses.push(`${m.errors} errors, ${m.non2xx} non-2xx`);
  return { description: describeTarget(target, info.baseline), misses };
}

const KEEP_MARKER = '<!-- Everything below this line is kept when `npm run bench` rewrites this file. -->';

/** The hand-written part of a previous docs/benchmarks.md (profiles, before/after notes), marker included. */
export function keptSection(previous: string | undefined): string {
  if (previous === undefined) return `${KEEP_MARKER}\n`;
  const at = previous.indexOf(KEEP_MARKER);
  return at === -1 ? `${KEEP_MARKER}\n` : previous.slice(at);
}

export function formatMarkdown(report: BenchReport, previous?: string): string {
  const { environment: env, settings } = report;
  const byName = new Map(report.baselines.map((m) => [m.name, m]));
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`${env.command}\` on ${env.date}${settings.quick ? ' (**quick mode**: small data set, short runs; indicative only)' : ''}.`,
    '',
    '| | |',
    '|---|---|',
    `| Machine | ${env.cpuModel}, ${env.cores} cores, ${gibibytes(env.memoryBytes)} GiB RAM, ${env.os} |`,
    `| Node | ${env.node} |`,
    `| Commit | ${env.commit} |`,
    `| PostgreSQL | ${env.postgres} |`,
    `| Redis | ${env.redis} |`,
    `| Load | autocannon ${env.autocannon} (programmatic, in the harness process), ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per run |`,
    `| Data | ${settings.users} users, ${settings.products} products with a stock of ${settings.productStock} each |`,
    '',
    '## Baselines (each its own process, same machine, same run)',
    '',
    '| Baseline | req/s | p50 ms | p99 ms | requests | errors | non-2xx | peak RSS MB | server CPU µs/req | flags |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...report.baselines.map(
      (m) =>
        `| ${BASELINES.find((b) => b.name === m.name)?.title ?? m.name} | ${count(m.requestsPerSecond)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP99Ms)} | ${count(m.requests)} | ${m.errors} | ${m.non2xx} | ${rss(m.peakRssBytes)} | ${cpu(m.cpuMicrosPerRequest)} | ${flagsOf(m).join('; ')} |`,
    ),
    '',
    '## Service (production mode, full middleware stack)',
    '',
    '| Scenario | req/s | p50 ms | p99 ms | requests | errors | non-2xx | peak RSS MB | server CPU µs/req | compared with | ratio | target | flags |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|---|---|',
    ...report.scenarios.map((s) => scenarioRow(s, byName)),
    '',
    `Ratio: the scenario's 2xx responses per second divided by its baseline's (a scenario does not gain from fast error answers). ` +
      `Server CPU µs/req: the server process's user + system CPU time during the measured run divided by the requests answered (the service's own work; the sandbox gateway and PostgreSQL are not in it). ` +
      `Flags: a non-2xx share above ${percent(NON_2XX_FLAG_SHARE, 0)}, any socket error or timeout, RSS over ${mebibytes(MAX_RSS_BYTES)} MB.`,
    '',
    `Service peak RSS over the whole run: ${rss(report.servicePeakRssBytes)} MB (target: under ${mebibytes(MAX_RSS_BYTES)} MB). ` +
      `Stock accounting after order placement: ${report.stockDrift === null ? 'not checked' : `${report.stockDrift} units oversold or lost${report.stockDrift === 0 ? ' (stock taken = units held by orders)' : ' (**mismatch**)'}`}.`,
    '',
    '### Non-2xx answers by status',
    '',
    ...statusLines(report),
    '',
    '## How the run is set up',
    '',
    '- Each scenario is compared with the bare server doing the least comparable work: the cached reads (product, own user) with the express hello-world, as the issue\'s targets do; pages, login and the order read with express + one primary-key SELECT; order placement with express + a two-statement write transaction.',
    `- The service runs as its own process (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, \`${report.serviceRuntime}\` as in \`deployments/k8s/app/api-deployment.yaml\`) on a fresh database \`ordersvc_bench\` (dropped at the end), with Redis when one answers and the sandbox payment gateway as a separate process with no injected latency. Baselines use tables of their own in the same database and the same pool size as the service.`,
    `- Limits raised so that the service's own throttles are not what is measured: ${Object.entries(report.raisedLimits)
      .map(([key, value]) => `\`${key}=${value}\``)
      .join(', ')}.`,
    '- Load generator, service, sandbox gateway and PostgreSQL share the machine\'s cores; the baselines compete with the load generator and PostgreSQL the same way.',
    ...report.notes.map((note) => `- ${note}`),
    '',
    keptSection(previous),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function scenarioRow(s: ScenarioResult, baselines: Map<string, Measurement>): string {
  const m = s.measurement;
  if (!m) return `| ${s.info.title} | – | – | – | – | – | – | – | – | ${s.info.baseline} | – | ${s.info.target ? describeTarget(s.info.target, s.info.baseline) : ''} | skipped: ${s.skipped ?? 'not run'} |`;
  const baseline = baselines.get(s.info.baseline);
  const ratio = ratioTo(m, baseline);
  const check = checkTarget(s.info, m, baseline);
  const target = check ? `${check.description}: ${check.misses.length === 0 ? '**met**' : `**missed** (${check.misses.join('; ')})`}` : '';
  const flags = flagsOf(m).map((flag) => `⚠ ${flag}`);
  return `| ${s.info.title} | ${count(m.requestsPerSecond)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP99Ms)} | ${count(m.requests)} | ${m.errors} | ${m.non2xx} | ${rss(m.peakRssBytes)} | ${cpu(m.cpuMicrosPerRequest)} | ${s.info.baseline} | ${ratio === null ? '–' : percent(ratio)} | ${target} | ${flags.join('; ')} |`;
}

function statusLines(report: BenchReport): string[] {
  const runs = [...report.baselines, ...report.scenarios.flatMap((s) => (s.measurement ? [s.measurement] : []))];
  const lines = runs.flatMap((m) => {
    const other = Object.entries(m.statusCounts).filter(([code]) => !code.startsWith('2'));
    return other.length === 0 ? [] : [`- ${m.name}: ${other.map(([code, n]) => `${code} × ${n}`).join(', ')}`];
  });
  return lines.length === 0 ? ['None: every answer was 2xx.'] : lines;
}

export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export function count(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// autocannon's latencies have millisecond resolution: 0 means under a millisecond.
function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value === 0 ? '< 1' : String(Math.round(value * 10) / 10);
}

function rss(bytes: number | null): string {
  return bytes === null ? '–' : String(mebibytes(bytes));
}

function mebibytes(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function gibibytes(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}

function cpu(micros: number | null): string {
  return micros === null ? '–' : count(micros);
}
