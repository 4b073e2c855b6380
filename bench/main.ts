import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import { createDatabase } from '../internal/adapter/postgres/database.ts';
import { SqlMigrator } from '../internal/adapter/postgres/sql-migrator.ts';
import { BENCH_DATABASE, createBenchDatabase } from './bench-database.ts';
import { findBenchRedis } from './bench-redis.ts';
import { Cleanup } from './cleanup.ts';
import { optionsOrExit, runTool, timedLog } from './command-line.ts';
import { CURVES } from './curves.ts';
import { findBenchNats } from './bench-nats.ts';
import { GrpcLoadDriver } from './grpc-load.ts';
import { GRPC_SCENARIOS } from './grpc-scenarios.ts';
import { HTTP_SCENARIOS } from './http-scenarios.ts';
import { LoadDriver } from './load.ts';
import { describeMachine } from './machine.ts';
import { benchUsage, parseBenchArgs, type BenchOptions } from './options.ts';
import { ProcessGroup } from './processes.ts';
import { selectScenarios } from './selection.ts';
import { formatMarkdown, type BenchReport } from './report.ts';
import { BenchRounds } from './rounds.ts';
import type { Scenario } from './scenario.ts';
import { PRODUCT_STOCK, seedBenchData } from './seed.ts';
import { RAISED_LIMITS } from './service-process.ts';

/**
 * Every scenario the bench runs, in order. A transport or feature with
 * scenarios of its own exports a `Scenario[]` from its own file under bench/
 * and adds one line here.
 */
const SCENARIOS: readonly Scenario[] = [
  ...HTTP_SCENARIOS,
  ...GRPC_SCENARIOS,
];

const log = timedLog('bench');
const known = { scenarios: SCENARIOS.map((s) => s.name), curves: CURVES.map((c) => c.name) };
const options: BenchOptions = optionsOrExit(() => parseBenchArgs(process.argv.slice(2), known), benchUsage(known));

const cleanup = new Cleanup();
const processes = new ProcessGroup();
const load = new LoadDriver();
const grpcLoad = new GrpcLoadDriver();
const stopLoad = () => {
  load.stop();
  grpcLoad.stop();
};
await runTool('bench', log, { cleanup, processes, stopLoad }, () => run(options));

async function run(opts: BenchOptions): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const machine = await describeMachine();
  log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${opts.quick ? 'quick' : 'full'} mode, ${opts.repeat} round(s)`);

  // A database of this run's own: two runs on one server (other worktrees) must not drop each other's.
  const database = await createBenchDatabase(process.env, log, `${BENCH_DATABASE}_${process.pid}`);
  cleanup.add('drop the bench database', () => database.drop());
  log(`database: ${database.description}`);
  const handle = createDatabase({ url: database.url, max: 4, connectionTimeoutMs: 10_000, statementTimeoutMs: 600_000, idleTimeoutMs: 10_000 }, () => undefined);
  cleanup.add('close the harness pool', () => handle.close());
  const applied = await new SqlMigrator(handle.db, MIGRATIONS_DIR).up();
  log(`migrated (${applied.length} migrations)`);
  const seeded = await seedBenchData(handle.db, { users: opts.users, products: opts.products, customersWanted: Math.max(opts.connections, 1_000) }, log);

  const redis = await findBenchRedis(process.env);
  if (redis) cleanup.add("delete the run's Redis keys", () => redis.clean());
  log(redis ? `redis: ${redis.description}` : 'redis: none answers; the service uses its in-process adapters');
  const only = opts.only;
  const scenarios = selectScenarios(SCENARIOS, { only, skipGrpc: opts.skipGrpc, skipEvents: opts.skipEvents });
  const wantsEvents = !opts.skipEvents && scenarios.some((s) => s.measuresEvents === true);
  const nats = wantsEvents ? await findBenchNats(process.env, log) : undefined;
  if (nats) cleanup.add("delete the run's stream and stop a NATS it started", () => nats.close());
  log(nats ? `nats: ${nats.description}` : wantsEvents ? 'nats: none answers and no nats-server on PATH; the service relays in-process and no event figures are taken' : 'nats: not used (no event figures in this run)');
  // Runs first: the processes stop before their database, Redis keys and stream go.
  cleanup.add('stop processes', () => processes.stopAll());

  const curves = !opts.curves ? [] : only ? CURVES.filter((c) => only.includes(c.name)) : CURVES;
  const rounds = new BenchRounds({ opts, processes, load, grpcLoad, log, db: handle.db, databaseUrl: database.url, redis, nats, seeded });
  const outcome = await rounds.run(scenarios, curves);

  const notes = [...outcome.notes];
  if (outcome.serviceOutput) notes.push(`The service logged warnings or errors during the run; the last ones: \`${lastLine(outcome.serviceOutput)}\``);
  if (loadAtStart > machine.cores / 2) {
    notes.push(`The machine was busy when the run started (1-minute load average ${loadAtStart.toFixed(2)} on ${machine.cores} cores): the numbers are lower and noisier than on a quiet machine.`);
  }
  if (opts.note) notes.push(opts.note);

  const svgFolder = only ? join(tmpdir(), 'ordersvc-bench-curves') : join(PROJECT_ROOT, 'docs', 'benchmarks');
  await mkdir(svgFolder, { recursive: true });
  for (const curve of outcome.curves) await writeFile(join(svgFolder, `${curve.name}.svg`), curve.svgText);

  const report: BenchReport = {
    environment: {
      date: new Date().toISOString(),
      command: commandLine(process.argv.slice(2)),
      commit: machine.commit,
      cpuModel: machine.cpuModel,
      cores: machine.cores,
      memoryBytes: machine.memoryBytes,
      os: machine.os,
      node: machine.node,
      autocannon: machine.autocannon,
      postgres: database.description,
      redis: redis?.description ?? 'none (in-process cache, sessions and rate limits)',
      nats: nats?.description ?? 'none (events relayed to the in-process publisher)',
    },
    settings: {
      quick: opts.quick,
      repeat: opts.repeat,
      connections: opts.connections,
      warmupSeconds: opts.warmupSeconds,
      durationSeconds: opts.durationSeconds,
      users: opts.users,
      products: opts.products,
      productStock: PRODUCT_STOCK,
    },
    raisedLimits: RAISED_LIMITS,
    serviceRuntime: outcome.serviceRuntime,
    baselines: outcome.baselines,
    scenarios: outcome.scenarios,
    curves: outcome.curves.map(({ svgText: _svg, ...curve }) => ({ ...curve, svg: only ? join(svgFolder, `${curve.name}.svg`) : `benchmarks/${curve.name}.svg` })),
    stockDrift: outcome.stockDrift,
    servicePeakRssBytes: outcome.servicePeakRssBytes,
    notes,
  };
  if (only) {
    console.log(formatMarkdown(report, undefined));
    log(`a partial run (--only): the report is above, its plots in ${svgFolder}; docs/benchmarks.md is left as it was`);
  } else {
    await writeReport(report);
  }
}

async function writeReport(report: BenchReport): Promise<void> {
  const docs = join(PROJECT_ROOT, 'docs');
  const markdownPath = join(docs, 'benchmarks.md');
  const previous = await readFile(markdownPath, 'utf8').catch(() => undefined);
  const markdown = formatMarkdown(report, previous);
  await writeFile(markdownPath, markdown);
  await writeFile(join(docs, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}`);
  log('wrote docs/benchmarks.md, docs/benchmarks.json and the plots in docs/benchmarks/');
}

function commandLine(args: readonly string[]): string {
  const quoted = args.map((arg) => (/^[\w.,:=/+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`));
  return quoted.length === 0 ? 'npm run bench' : `npm run bench -- ${quoted.join(' ')}`;
}

function lastLine(output: string): string {
  return (output.split('\n').at(-1) ?? '').slice(0, 300).replaceAll('`', "'");
}
