import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import { createDatabase } from '../internal/adapter/postgres/database.ts';
import { SqlMigrator } from '../internal/adapter/postgres/sql-migrator.ts';
import { createBenchDatabase } from './bench-database.ts';
import { findBenchRedis } from './bench-redis.ts';
import { BASELINES, SCENARIOS } from './catalog.ts';
import { Cleanup } from './cleanup.ts';
import { prepareFixtures } from './fixtures.ts';
import { LoadDriver } from './load.ts';
import { describeMachine } from './machine.ts';
import type { Measurement } from './measurement.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { sampleOrders, stockDrift } from './orders-check.ts';
import { freePort, ProcessGroup } from './processes.ts';
import { formatMarkdown, type BenchReport, type ScenarioResult } from './report.ts';
import { sampleRss } from './rss-sampler.ts';
import { baselineRequests, scenarioRequests, type PlacedOrder } from './scenarios.ts';
import { PRODUCT_STOCK, seedBenchData } from './seed.ts';
import { optionsOrExit, runTool, timedLog } from './command-line.ts';
import { RAISED_LIMITS, startService } from './service-process.ts';

const log = timedLog('bench');

const options: BenchOptions = optionsOrExit(() => parseBenchArgs(process.argv.slice(2)), USAGE);

const cleanup = new Cleanup();
const processes = new ProcessGroup();
const load = new LoadDriver();
await runTool('bench', log, { cleanup, processes, stopLoad: () => load.stop() }, () => run(options));

async function run(opts: BenchOptions): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const machine = await describeMachine();
  log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${opts.quick ? 'quick' : 'full'} mode`);

  const database = await createBenchDatabase(process.env, log);
  cleanup.add('drop the bench database', () => database.drop());
  log(`database: ${database.description}`);
  const handle = createDatabase({ url: database.url, max: 4, connectionTimeoutMs: 10_000, statementTimeoutMs: 600_000, idleTimeoutMs: 10_000 }, () => undefined);
  cleanup.add('close the harness pool', () => handle.close());
  const applied = await new SqlMigrator(handle.db, MIGRATIONS_DIR).up();
  log(`migrated (${applied.length} migrations)`);
  const seeded = await seedBenchData(handle.db, { users: opts.users, products: opts.products, customersWanted: Math.max(opts.connections, 1_000) }, log);

  const redis = await findBenchRedis(process.env);
  if (redis) cleanup.add('delete the run\'s Redis keys', () => redis.clean());
  log(redis ? `redis: ${redis.description}` : 'redis: none answers; the service uses its in-process adapters');
  // Runs first: the processes stop before their database and Redis keys go.
  cleanup.add('stop processes', () => processes.stopAll());

  const chosen = opts.only ? SCENARIOS.filter((scenario) => opts.only?.includes(scenario.name)) : SCENARIOS;
  const baselines: Measurement[] = [];
  for (const baseline of BASELINES.filter((candidate) => !opts.only || chosen.some((scenario) => scenario.baseline === candidate.name))) {
    const port = await freePort();
    const server = await processes.start({
      name: baseline.name,
      script: join(PROJECT_ROOT, 'bench', 'baselines', `${baseline.name}.ts`),
      env: { NODE_ENV: 'production', PORT: String(port), DATABASE_URL: database.url },
      port,
      readyPath: baseline.name === 'express-pg-read' ? '/users/1' : baseline.name === 'express-pg-write' ? '/healthz' : '/',
    });
    const rss = sampleRss(server.pid);
    const measurement = await load.measure(
      { ...baseline, url: server.url, connections: opts.connections, warmupSeconds: opts.warmupSeconds, durationSeconds: opts.durationSeconds, requests: baselineRequests(baseline.name, opts) },
      rss,
    );
    rss.stop();
    await server.stop();
    baselines.push(measurement);
    log(summary(measurement));
  }

  const { service, sandbox, runtimeEnv } = await startService(processes, database.url, redis);
  const runtimeSettings = Object.entries(runtimeEnv).map(([name, value]) => `${name}=${value}`).join(' ');
  log(`service up at ${service.url} (pid ${service.pid}, ${runtimeSettings}), sandbox gateway at ${sandbox.url}`);
  log(`limits raised so that they are not what is measured: ${Object.entries(RAISED_LIMITS).map(([key, value]) => `${key}=${value}`).join(' ')}`);
  const rss = sampleRss(service.pid);
  const fixtures = await prepareFixtures(service.url, seeded, opts.connections);
  log(`${fixtures.customers.length} customers and an admin signed in; ${fixtures.userCursors.length} user pages, ${fixtures.productCursors.length} product pages`);

  const tokens = new Map(fixtures.customers.map((c) => [c.id, c.token]));
  let orders: PlacedOrder[] = [];
  let drift: number | null = null;
  const notes: string[] = [];
  const scenarios: ScenarioResult[] = [];
  for (const info of chosen) {
    if (info.name === 'order-read' && orders.length === 0) {
      scenarios.push({ info, skipped: 'order placement produced no paid orders to read' });
      continue;
    }
    const measurement = await load.measure(
      {
        ...info,
        url: service.url,
        connections: opts.connections,
        warmupSeconds: opts.warmupSeconds,
        durationSeconds: opts.durationSeconds,
        requests: scenarioRequests(info.name, fixtures, orders),
      },
      rss,
    );
    scenarios.push({ info, measurement });
    log(summary(measurement));
    if (info.name === 'order-place') {
      const check = await stockDrift(handle.db, opts.products);
      drift = check.drift;
      if (check.pending > 0) notes.push(`${check.pending} ${check.pending === 1 ? 'order was' : 'orders were'} still pending when the stock was checked.`);
      orders = (await sampleOrders(handle.db, 2_000)).flatMap((o) => {
        const token = tokens.get(o.userId);
        return token ? [{ id: o.id, token }] : [];
      });
      log(`stock drift after order placement: ${drift} units; ${orders.length} paid orders sampled for reading`);
    }
  }
  const servicePeak = rss.lifetimePeak();
  rss.stop();
  const unexpected = service.output().trim();
  if (unexpected) notes.push(`The service logged warnings or errors during the run; the last ones: \`${lastLine(unexpected)}\``);

  const cores = machine.cores;
  if (loadAtStart > cores / 2) {
    notes.push(`The machine was busy when the run started (1-minute load average ${loadAtStart.toFixed(2)} on ${cores} cores): the numbers are lower and noisier than on a quiet machine.`);
  }
  if (opts.note) notes.push(opts.note);

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
    },
    settings: {
      quick: opts.quick,
      connections: opts.connections,
      warmupSeconds: opts.warmupSeconds,
      durationSeconds: opts.durationSeconds,
      users: opts.users,
      products: opts.products,
      productStock: PRODUCT_STOCK,
    },
    raisedLimits: RAISED_LIMITS,
    serviceRuntime: runtimeSettings,
    baselines,
    scenarios,
    stockDrift: drift,
    servicePeakRssBytes: servicePeak,
    notes,
  };
  if (opts.only) {
    console.log(formatMarkdown(report, undefined));
    log('a partial run (--only): the table is above; docs/benchmarks.md is left as it was');
  } else {
    await writeReport(report);
  }
}

async function writeReport(report: BenchReport): Promise<void> {
  const docs = join(PROJECT_ROOT, 'docs');
  await mkdir(docs, { recursive: true });
  const markdownPath = join(docs, 'benchmarks.md');
  const previous = await readFile(markdownPath, 'utf8').catch(() => undefined);
  const markdown = formatMarkdown(report, previous);
  await writeFile(markdownPath, markdown);
  await writeFile(join(docs, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}`);
  log('wrote docs/benchmarks.md and docs/benchmarks.json');
}

function summary(m: Measurement): string {
  const non2xx = m.non2xx > 0 ? `, ${m.non2xx} non-2xx` : '';
  const errors = m.errors > 0 ? `, ${m.errors} errors` : '';
  const rss = m.peakRssBytes === null ? '' : `, RSS ${Math.round(m.peakRssBytes / 1024 / 1024)} MB`;
  const cpu = m.cpuMicrosPerRequest === null ? '' : `, server CPU ${Math.round(m.cpuMicrosPerRequest)} µs/req`;
  return `${m.name}: ${Math.round(m.requestsPerSecond)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms${non2xx}${errors}${rss}${cpu}`;
}

function commandLine(args: readonly string[]): string {
  const quoted = args.map((arg) => (/^[\w.,:=/+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`));
  return quoted.length === 0 ? 'npm run bench' : `npm run bench -- ${quoted.join(' ')}`;
}

function lastLine(output: string): string {
  return (output.split('\n').at(-1) ?? '').slice(0, 300).replaceAll('`', "'");
}
