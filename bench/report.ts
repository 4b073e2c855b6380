import { BASELINES, EVENT_MESSAGE_BYTES, MAX_RSS_BYTES, NON_2XX_FLAG_SHARE, type ScenarioInfo } from './catalog.ts';
import type { EventsSummary } from './events-stats.ts';
import type { Machine } from './machine.ts';
import type { Measurement } from './measurement.ts';
import type { RepeatedRun } from './repeated-run.ts';
import { curveSection, profileSection, type CurveResult } from './report-sections.ts';
import { eventsSection, transportSection } from './report-transports.ts';
import type { ProfileSummary } from './profile-summary.ts';
import { checkTargets, cpuRatio } from './targets.ts';
import { count, cpu, ms, percent } from './format.ts';
import { GRPC_CHANNELS } from './grpc-channels.ts';

export { count } from './format.ts';

export interface Environment extends Machine {
  readonly date: string;
  readonly command: string;
  readonly postgres: string;
  readonly redis: string;
  /** Where the service relayed its events; absent in reports written before the events were measured. */
  readonly nats?: string;
}

export interface ScenarioResult {
  readonly info: ScenarioInfo;
  /** Absent when the scenario could not run (the reason is in `skipped`). */
  readonly result?: RepeatedRun;
  readonly skipped?: string;
  /** Self time over the first round's measured window. */
  readonly profile?: ProfileSummary;
  /** Order placement: the events relayed to JetStream over its windows. */
  readonly events?: EventsSummary;
}

export interface BenchReport {
  readonly environment: Environment;
  readonly settings: {
    readonly quick: boolean;
    readonly repeat: number;
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
  readonly baselines: readonly RepeatedRun[];
  readonly scenarios: readonly ScenarioResult[];
  readonly curves: readonly CurveResult[];
  /** Stock taken minus units held by orders after order placement: anything but 0 is oversold or lost stock. */
  readonly stockDrift: number | null;
  /** Peak VmRSS of the service over its whole life in this run. */
  readonly servicePeakRssBytes: number | null;
  readonly notes: readonly string[];
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

const KEEP_MARKER = '<!-- Everything below this line is kept when `npm run bench` rewrites this file. -->';

/** The hand-written part of a previous docs/benchmarks.md (profiles, before/after notes), marker included. */
export function keptSection(previous: string | undefined): string {
  if (previous === undefined) return `${KEEP_MARKER}\n`;
  const at = previous.indexOf(KEEP_MARKER);
  return at === -1 ? `${KEEP_MARKER}\n` : previous.slice(at);
}

const GRPC_SETUP =
  "- gRPC scenarios call the service's gRPC listener (h2c, its own port) through the generated nice-grpc clients with the same tokens, ids and cursors as their REST twins; " +
  'a status other than OK counts as non-2xx, a call with no answer (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED) as an error. The bare gRPC baseline is @grpc/grpc-js alone with one unary method; ' +
  "the generator's own CPU per call is in the run's log.";
const EVENTS_SETUP =
  "- With NATS, the service relays its outbox to a stream of the run's own; order placement's windows measure the events (see the events section). " +
  "The bare JetStream baseline's CPU per publish is its publisher process's.";

const RUN_COLUMNS = '| req/s | p50 ms | p99 ms | requests | errors | non-2xx | peak RSS MB | server CPU µs/req | spread (CPU, req/s) |';

export function formatMarkdown(report: BenchReport, previous?: string): string {
  const { environment: env, settings } = report;
  const byName = new Map(report.baselines.map((b) => [b.name, b.median]));
  const targets = report.scenarios.flatMap((s) => (s.result ? checkTargets(s.info, s.result.median, byName.get(s.info.baseline)) : []));
  const grpcRan = report.scenarios.some((s) => s.info.restTwin !== undefined && s.result !== undefined);
  const eventsRan = report.scenarios.some((s) => s.events !== undefined);
  const grpcLoad = grpcRan ? `; gRPC: the harness's generator, ${settings.connections} calls in flight over ${GRPC_CHANNELS} HTTP/2 connections` : '';
  const rounds = settings.repeat > 1 ? `, ${settings.repeat} rounds alternating baselines and scenarios (medians; spread = (max − min) / median)` : ', one round';
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
    ...(env.nats ? [`| NATS | ${env.nats} |`] : []),
    `| Load | autocannon ${env.autocannon} (programmatic, in the harness process), ${settings.connections} connections${grpcLoad}; ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per run${rounds} |`,
    `| Data | ${settings.users} users, ${settings.products} products with a stock of ${settings.productStock} each (the table curves grow them at the end) |`,
    '',
    '## Targets',
    '',
    '| Scenario | target | measured | met? | by |',
    '|---|---|---|---|---|',
    ...targets.map((t) => `| ${t.scenario} | ${t.target} | ${t.measured} | ${t.met ? '**met**' : '**missed**'} | ${t.by} |`),
    '',
    `${targets.filter((t) => t.met).length} of ${targets.length} targets met. CPU/req: the process's user + system CPU time over the measured window divided by the requests answered, as a multiple of the compared baseline's in the same run.`,
    '',
    '## Baselines (each its own process, same machine, same run)',
    '',
    `| Baseline ${RUN_COLUMNS} flags |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|`,
    ...report.baselines.map((b) => `| ${BASELINES.find((info) => info.name === b.name)?.title ?? b.name} | ${runCells(b)} | ${flagsOf(b.median).join('; ')} |`),
    '',
    '## Service (production mode, full middleware stack)',
    '',
    `| Scenario ${RUN_COLUMNS} compared with | CPU ratio | flags |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|--:|---|',
    ...report.scenarios.map((s) => scenarioRow(s, byName)),
    '',
    `Flags: a non-2xx share above ${percent(NON_2XX_FLAG_SHARE, 0)}, any socket error or timeout, RSS over ${mebibytes(MAX_RSS_BYTES)} MB. ` +
      `Service peak RSS over the whole run: ${rss(report.servicePeakRssBytes)} MB. ` +
      `Stock accounting after order placement: ${report.stockDrift === null ? 'not checked' : `${report.stockDrift} units oversold or lost${report.stockDrift === 0 ? ' (stock taken = units held by orders)' : ' (**mismatch**)'}`}.`,
    '',
    '### Non-2xx answers by status',
    '',
    ...statusLines(report),
    '',
    ...transportSection(report.scenarios, report.baselines),
    ...eventsSection(report.scenarios, report.baselines.find((b) => b.name === 'jetstream-publish'), EVENT_MESSAGE_BYTES),
    ...curveSection(report.curves),
    ...profileSection(report.scenarios),
    '## How the run is set up',
    '',
    "- Each scenario is compared with the bare server doing the least comparable work: the cached reads (product, own user) with the express hello-world; the pages with express running the service's own page SELECT on the service's tables; login and the order read with express + one primary-key SELECT; order placement with express + a two-statement write transaction.",
    `- The service runs as its own process (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, \`${report.serviceRuntime}\` as in \`deployments/k8s/app/api-deployment.yaml\`) on a fresh database of its own (\`ordersvc_bench_<pid>\`, dropped at the end), with Redis when one answers and the sandbox payment gateway as a separate process with no injected latency.`,
    `- Limits raised so that the service's own throttles are not what is measured: ${Object.entries(report.raisedLimits)
      .map(([key, value]) => `\`${key}=${value}\``)
      .join(', ')}.`,
    "- Load generator, service, sandbox gateway and PostgreSQL share the machine's cores; the baselines compete with the load generator and PostgreSQL the same way.",
    ...(grpcRan ? [GRPC_SETUP] : []),
    ...(eventsRan ? [EVENTS_SETUP] : []),
    '- The CPU profile of each scenario is taken over its first round\'s measured window through the diagnostics listener (`/debug/cpu-profile`); V8\'s sampler costs a few percent of CPU in that round.',
    ...report.notes.map((note) => `- ${note}`),
    '',
    keptSection(previous),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

export function runCells(run: RepeatedRun): string {
  const m = run.median;
  const spread = run.runs.length > 1 ? `±${percent(run.spread.cpuMicrosPerRequest / 2, 0)}, ±${percent(run.spread.okPerSecond / 2, 0)}` : '–';
  return `${count(m.requestsPerSecond)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP99Ms)} | ${count(m.requests)} | ${m.errors} | ${m.non2xx} | ${rss(m.peakRssBytes)} | ${cpu(m.cpuMicrosPerRequest)} | ${spread}`;
}

function scenarioRow(s: ScenarioResult, baselines: Map<string, Measurement>): string {
  if (!s.result) return `| ${s.info.title} | – | – | – | – | – | – | – | – | – | ${s.info.baseline} | – | skipped: ${s.skipped ?? 'not run'} |`;
  const ratio = cpuRatio(s.result.median, baselines.get(s.info.baseline));
  const flags = flagsOf(s.result.median).map((flag) => `⚠ ${flag}`);
  return `| ${s.info.title} | ${runCells(s.result)} | ${s.info.baseline} | ${ratio === null ? '–' : `${ratio.toFixed(2)}×`} | ${flags.join('; ')} |`;
}

function statusLines(report: BenchReport): string[] {
  const runs = [...report.baselines, ...report.scenarios.flatMap((s) => (s.result ? [s.result] : [])), ...report.curves.flatMap((c) => c.points.map((p) => p.result))];
  const lines = runs.flatMap((run) => {
    // HTTP statuses are codes (200, 503); gRPC's are names, OK the success.
    const other = Object.entries(run.median.statusCounts).filter(([code]) => !code.startsWith('2') && code !== 'OK');
    return other.length === 0 ? [] : [`- ${run.name}: ${other.map(([code, n]) => `${code} × ${n}`).join(', ')}`];
  });
  return lines.length === 0 ? ['None: every answer was 2xx.'] : lines;
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
