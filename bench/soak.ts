import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import { createDatabase } from '../internal/adapter/postgres/database.ts';
import { SqlMigrator } from '../internal/adapter/postgres/sql-migrator.ts';
import { createBenchDatabase } from './bench-database.ts';
import { findBenchRedis } from './bench-redis.ts';
import { Cleanup } from './cleanup.ts';
import { prepareFixtures } from './fixtures.ts';
import { describeMachine } from './machine.ts';
import { freePort, ProcessGroup } from './processes.ts';
import { seedBenchData } from './seed.ts';
import { startService } from './service-process.ts';
import { startSoakLoad, type RunningSoakLoad } from './soak-load.ts';
import { parseSoakArgs, SOAK_USAGE, type SoakOptions } from './soak-options.ts';
import { formatCsv, renderSvg } from './soak-report.ts';
import { takeSample } from './soak-sampler.ts';
import { optionsOrExit, runTool, timedLog } from './command-line.ts';
import { formatMb, judgeHeapTrend, type SoakSample } from './soak-trend.ts';

const SOAK_DATABASE = 'ordersvc_soak';
/** Customers signed in for the load (each sign-in is an argon2id hash). */
const SESSIONS = 32;

const log = timedLog('soak');

const options: SoakOptions = optionsOrExit(() => parseSoakArgs(process.argv.slice(2), join(PROJECT_ROOT, 'docs', 'soak')), SOAK_USAGE);

const cleanup = new Cleanup();
const processes = new ProcessGroup();
let load: RunningSoakLoad | undefined;
let stopping = false;
const stopLoad = () => {
  stopping = true;
  load?.stop();
};
await runTool('soak', log, { cleanup, processes, stopLoad }, () => run(options));

async function run(opts: SoakOptions): Promise<boolean> {
  const loadAtStart = loadavg()[0] ?? 0;
  const machine = await describeMachine();
  log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${opts.durationSeconds} s of load (warm-up ${opts.warmupSeconds} s), a sample every ${opts.intervalSeconds} s`);
  if (loadAtStart > machine.cores / 2) log(`note: the machine is busy (1-minute load average ${loadAtStart.toFixed(2)} on ${machine.cores} cores)`);

  const database = await createBenchDatabase(process.env, log, SOAK_DATABASE);
  cleanup.add('drop the soak database', () => database.drop());
  log(`database: ${database.description}`);
  const handle = createDatabase({ url: database.url, max: 2, connectionTimeoutMs: 10_000, statementTimeoutMs: 600_000, idleTimeoutMs: 10_000 }, () => undefined);
  cleanup.add('close the harness pool', () => handle.close());
  await new SqlMigrator(handle.db, MIGRATIONS_DIR).up();
  const seeded = await seedBenchData(handle.db, { users: opts.users, products: opts.products, customersWanted: Math.max(SESSIONS, 500) }, log);
  await handle.close();

  const redis = await findBenchRedis(process.env);
  if (redis) cleanup.add("delete the run's Redis keys", () => redis.clean());
  log(redis ? `redis: ${redis.description}` : 'redis: none answers; the service uses its in-process adapters');
  cleanup.add('stop processes', () => processes.stopAll());

  const { service, diagnosticsUrl } = await startService(processes, database.url, redis, { grpcPort: await freePort() });
  log(`service up at ${service.url} (pid ${service.pid}), diagnostics at ${diagnosticsUrl}`);
  const fixtures = await prepareFixtures(service.url, seeded, SESSIONS);
  log(`${fixtures.customers.length} customers and an admin signed in; load: ${opts.connections} connections, ${opts.rate > 0 ? `${opts.rate} req/s` : 'unthrottled'}`);

  const samples: SoakSample[] = [];
  const running = startSoakLoad(service.url, fixtures, { connections: opts.connections, rate: opts.rate, durationSeconds: opts.durationSeconds });
  load = running;
  const loadStarted = performance.now();
  let loadEnded = false;
  void running.done.then(() => (loadEnded = true));
  // Reset the event-loop window so the first sample covers load only.
  await takeSample(diagnosticsUrl, 0, running.counts());
  for (let tick = 1; !loadEnded && !stopping; tick++) {
    const due = loadStarted + tick * opts.intervalSeconds * 1_000;
    await Promise.race([sleep(Math.max(0, due - performance.now())), running.done]);
    // Nothing after the load: closing connections would show as a drop that is not the service's.
    if (loadEnded) break;
    const sample = await takeSample(diagnosticsUrl, (performance.now() - loadStarted) / 1_000, running.counts());
    samples.push(sample);
    log(
      `${sample.elapsedSeconds.toFixed(0).padStart(5)} s  rss ${formatMb(sample.rssBytes)}  heap ${formatMb(sample.heapUsedBytes)}  after GC ${sample.heapAfterGcBytes === null ? '-' : formatMb(sample.heapAfterGcBytes)} (${sample.majorGcs} major)  handles ${sample.activeHandles}  loop p99 ${sample.loopDelayP99Ms} ms  ${sample.requests} req, ${sample.non2xx} non-2xx, ${sample.errors} errors`,
    );
  }
  await running.done;
  const counts = running.counts();

  const verdict = judgeHeapTrend(samples, { warmupSeconds: opts.warmupSeconds, maxGrowthPercent: opts.maxGrowthPercent });
  const outDir = isAbsolute(opts.outDir) ? opts.outDir : join(process.cwd(), opts.outDir);
  await mkdir(outDir, { recursive: true });
  const title = `ordersvc soak: ${Math.round(opts.durationSeconds / 6) / 10} min, ${opts.connections} connections, ${opts.rate > 0 ? `${opts.rate} req/s` : 'unthrottled'}, ${new Date().toISOString().slice(0, 16)}Z, Node ${machine.node}, ${machine.cores} cores`;
  await writeFile(join(outDir, 'soak.csv'), formatCsv(samples));
  await writeFile(join(outDir, 'soak.svg'), renderSvg(samples, verdict, { warmupSeconds: opts.warmupSeconds, title }));
  const shown = relative(process.cwd(), outDir) || '.';
  const peakRss = Math.max(...samples.map((s) => s.rssBytes));
  const worstP99 = Math.max(...samples.map((s) => s.loopDelayP99Ms));
  console.log(
    [
      '',
      `requests: ${counts.requests} (${Object.entries(counts.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ')}), non-2xx ${counts.non2xx}, errors ${counts.errors}`,
      `peak RSS ${formatMb(peakRss)}; worst event-loop delay p99 over an interval ${worstP99} ms; ${samples.length} samples, ${verdict.points} major-GC observations judged`,
      `${verdict.ok ? 'PASS' : 'FAIL'}: ${verdict.reason}`,
      `wrote ${join(shown, 'soak.csv')} and ${join(shown, 'soak.svg')}`,
    ].join('\n'),
  );
  return verdict.ok;
}
