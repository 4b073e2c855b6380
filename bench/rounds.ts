import type { Kysely } from 'kysely';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import type { Database } from '../internal/adapter/postgres/database.ts';
import { waitForChannelReady, createChannel } from 'nice-grpc';
import { baselineRequests } from './baseline-requests.ts';
import { helloCaller } from './grpc-hello-client.ts';
import type { BenchNats } from './bench-nats.ts';
import type { BenchRedis } from './bench-redis.ts';
import { EVENT_MESSAGE_BYTES, type BaselineInfo } from './catalog.ts';
import { EventsProbe, type StreamMark } from './events-probe.ts';
import { summarizeEvents, type EventsWindow } from './events-stats.ts';
import type { GrpcLoadDriver} from './grpc-load.ts';
import { type GrpcLoadSpec } from './grpc-load.ts';
import { toMeasurement, type LoadResult } from './measurement.ts';
import { judgeCurve } from './curve.ts';
import { renderCurveSvg } from './curve-svg.ts';
import type { CurveSpec } from './curves.ts';
import { prepareFixtures } from './fixtures.ts';
import type { LoadDriver, LoadSpec } from './load.ts';
import type { Measurement } from './measurement.ts';
import { selectBaselines } from './selection.ts';
import type { BenchOptions } from './options.ts';
import { freePort, type ProcessGroup } from './processes.ts';
import type { ProfileSummary } from './profile-summary.ts';
import { aggregateRuns, type RepeatedRun } from './repeated-run.ts';
import type { ScenarioResult } from './report.ts';
import type { CurveResult } from './report-sections.ts';
import { sampleRss, type RssSampler } from './rss-sampler.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import type { SeededData } from './seed.ts';
import { profileService } from './service-profile.ts';
import { RAISED_LIMITS, startService } from './service-process.ts';

export interface RoundsDeps {
  readonly opts: BenchOptions;
  readonly processes: ProcessGroup;
  readonly load: LoadDriver;
  readonly grpcLoad: GrpcLoadDriver;
  readonly log: (line: string) => void;
  readonly db: Kysely<Database>;
  readonly databaseUrl: string;
  readonly redis: BenchRedis | undefined;
  /** NATS the service relays its events to; undefined runs it with the in-process publisher and measures no events. */
  readonly nats: BenchNats | undefined;
  readonly seeded: SeededData;
}

export interface RoundsOutcome {
  readonly baselines: RepeatedRun[];
  readonly scenarios: ScenarioResult[];
  readonly curves: (Omit<CurveResult, 'svg'> & { readonly svgText: string })[];
  readonly stockDrift: number | null;
  readonly servicePeakRssBytes: number | null;
  readonly serviceRuntime: string;
  /** What the service wrote to its output (it logs at warn): empty on a clean run. */
  readonly serviceOutput: string;
  readonly notes: string[];
}

/**
 * The measuring part of a run: the service up once, then `--repeat` rounds of
 * (every baseline, then every scenario), so that drift of a busy machine
 * hits both sides alike; then the cost curves, each point `--repeat` times.
 */
export class BenchRounds {
  readonly #d: RoundsDeps;

  constructor(deps: RoundsDeps) {
    this.#d = deps;
  }

  async run(scenarios: readonly Scenario[], curves: readonly CurveSpec[]): Promise<RoundsOutcome> {
    const { opts, log, processes } = this.#d;
    const grpcPort = await freePort();
    const nats = this.#d.nats;
    const { service, sandbox, runtimeEnv, diagnosticsUrl } = await startService(processes, this.#d.databaseUrl, this.#d.redis, { grpcPort, nats });
    const grpcTarget = `127.0.0.1:${grpcPort}`;
    await grpcReady(grpcTarget);
    const serviceRuntime = Object.entries(runtimeEnv).map(([name, value]) => `${name}=${value}`).join(' ');
    log(`service up at ${service.url} (pid ${service.pid}, ${serviceRuntime}), sandbox gateway at ${sandbox.url}`);
    log(`limits raised so that they are not what is measured: ${Object.entries(RAISED_LIMITS).map(([key, value]) => `${key}=${value}`).join(' ')}`);
    const rss = sampleRss(service.pid);
    const fixtures = await prepareFixtures(service.url, this.#d.seeded, opts.connections);
    log(`${fixtures.customers.length} customers and an admin signed in; ${fixtures.userCursors.length} user pages, ${fixtures.productCursors.length} product pages`);
    const ctx: ScenarioContext = { serviceUrl: service.url, grpcTarget, fixtures, db: this.#d.db, state: { orders: [], stockDrift: null, notes: [] }, log };

    const baselines = selectBaselines(scenarios, { only: opts.only, skipGrpc: opts.skipGrpc, skipEvents: nats === undefined });
    const probe = nats ? new EventsProbe(nats, this.#d.db) : undefined;
    const eventWindows = new Map<string, EventsWindow[]>();
    const baselineRuns = new Map<string, Measurement[]>();
    const scenarioRuns = new Map<string, Measurement[]>();
    const profiles = new Map<string, ProfileSummary>();
    const skipped = new Map<string, string>();
    for (let round = 1; round <= opts.repeat; round++) {
      if (opts.repeat > 1) log(`round ${round} of ${opts.repeat}`);
      for (const baseline of baselines) push(baselineRuns, baseline.name, await this.#measureBaseline(baseline));
      for (const scenario of scenarios) {
        const reason = scenario.skip?.(ctx);
        if (reason !== undefined) {
          skipped.set(scenario.name, reason);
          continue;
        }
        const profile = opts.profiles && round === 1 ? { seconds: opts.durationSeconds, into: (p: ProfileSummary) => profiles.set(scenario.name, p) } : undefined;
        const events = probe && scenario.measuresEvents ? { probe, into: (w: EventsWindow) => push(eventWindows, scenario.name, w) } : undefined;
        const load: Load =
          scenario.transport === 'grpc'
            ? { grpc: { ...this.#spec(scenario.name, scenario.title, service.url), target: grpcTarget, callerFor: (channel) => scenario.callerFor(ctx, channel) } }
            : { http: { ...this.#spec(scenario.name, scenario.title, service.url), requests: scenario.requests(ctx) } };
        push(scenarioRuns, scenario.name, await this.#measure(load, rss, diagnosticsUrl, profile, events));
        await scenario.after?.(ctx);
      }
    }

    const curveResults: RoundsOutcome['curves'] = [];
    for (const curve of curves) {
      const points: { x: number; result: RepeatedRun }[] = [];
      for (const x of curve.points(opts)) {
        await curve.prepare?.(ctx, x);
        const runs: Measurement[] = [];
        for (let round = 1; round <= opts.repeat; round++) {
          runs.push(await this.#measure({ http: { ...this.#spec(`${curve.name} x=${x}`, `${curve.title}, x=${x}`, service.url), requests: curve.requests(ctx, x) } }, rss, diagnosticsUrl, undefined, undefined));
        }
        await curve.after?.(ctx);
        points.push({ x, result: aggregateRuns(runs) });
      }
      const verdict = judgeCurve(curve.expectation, points.map((p) => ({ x: p.x, y: p.result.median.cpuMicrosPerRequest ?? Number.NaN })));
      log(`curve ${curve.name}: ${verdict.flagged ? 'FLAGGED, ' : ''}${verdict.reason}`);
      const svgText = renderCurveSvg({ title: curve.title, xLabel: curve.xLabel, verdict, points: points.map((p) => ({ x: p.x, y: p.result.median.cpuMicrosPerRequest ?? Number.NaN })) });
      curveResults.push({ name: curve.name, title: curve.title, xLabel: curve.xLabel, expectation: curve.expectation, points, verdict, svgText });
    }

    const servicePeakRssBytes = rss.lifetimePeak();
    rss.stop();
    return {
      baselines: [...baselineRuns.values()].map(aggregateRuns),
      scenarios: scenarios.map((info) => {
        const runs = scenarioRuns.get(info.name);
        const profile = profiles.get(info.name);
        const windows = eventWindows.get(info.name);
        if (!runs) return { info, skipped: skipped.get(info.name) ?? 'not run' };
        return { info, result: aggregateRuns(runs), ...(profile ? { profile } : {}), ...(windows ? { events: summarizeEvents(windows) } : {}) };
      }),
      curves: curveResults,
      stockDrift: ctx.state.stockDrift,
      servicePeakRssBytes,
      serviceRuntime,
      serviceOutput: service.output().trim(),
      notes: ctx.state.notes,
    };
  }

  async #measureBaseline(baseline: BaselineInfo): Promise<Measurement> {
    const { processes, opts, databaseUrl, seeded, nats } = this.#d;
    const port = await freePort();
    const grpcPort = baseline.kind === 'grpc' ? await freePort() : undefined;
    const server = await processes.start({
      name: baseline.name,
      script: join(PROJECT_ROOT, 'bench', 'baselines', baseline.script),
      env: {
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        ...(grpcPort === undefined ? {} : { GRPC_PORT: String(grpcPort) }),
        ...(nats ? { NATS_URL: nats.url } : {}),
      },
      port,
      readyPath: baseline.readyPath,
    });
    const rss = sampleRss(server.pid);
    try {
      const spec = this.#spec(baseline.name, baseline.title, server.url);
      if (baseline.kind === 'jetstream') return await this.#measurePublisher(spec, server.url, rss);
      if (grpcPort !== undefined) {
        const target = `127.0.0.1:${grpcPort}`;
        await grpcReady(target);
        return await this.#measure({ grpc: { ...spec, target, callerFor: helloCaller } }, rss, undefined, undefined, undefined);
      }
      const data = { users: opts.users, products: opts.products, userIds: seeded.customers.map((c) => c.id), productIds: seeded.productIds };
      return await this.#measure({ http: { ...spec, requests: baselineRequests(baseline.name, data) } }, rss, undefined, undefined, undefined);
    } finally {
      rss.stop();
      await server.stop();
    }
  }

  // The publisher makes its own load (one publish in flight, as the relay publishes one aggregate's events): a warm-up run, then the measured one with its CPU sampled.
  async #measurePublisher(spec: Omit<LoadSpec, 'requests'>, url: string, rss: RssSampler): Promise<Measurement> {
    const run = async (seconds: number): Promise<LoadResult> => {
      const response = await fetch(`${url}/run?seconds=${seconds}&concurrency=1&bytes=${EVENT_MESSAGE_BYTES}`, { method: 'POST' });
      if (response.status !== 200) throw new Error(`the JetStream publisher answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as LoadResult;
    };
    if (spec.warmupSeconds > 0) await run(spec.warmupSeconds);
    rss.resetWindow();
    const result = await run(spec.durationSeconds);
    const measurement = toMeasurement({ ...spec, connections: 1 }, result, rss.windowPeak(), rss.windowCpuSeconds());
    this.#d.log(line(measurement));
    return measurement;
  }

  #spec(name: string, title: string, url: string): Omit<LoadSpec, 'requests'> {
    const { opts } = this.#d;
    return { name, title, url, connections: opts.connections, warmupSeconds: opts.warmupSeconds, durationSeconds: opts.durationSeconds };
  }

  async #measure(
    load: Load,
    rss: RssSampler,
    diagnosticsUrl: string | undefined,
    profile: { readonly seconds: number; readonly into: (summary: ProfileSummary) => void } | undefined,
    events: { readonly probe: EventsProbe; readonly into: (window: EventsWindow) => void } | undefined,
  ): Promise<Measurement> {
    let profiling: Promise<ProfileSummary | undefined> | undefined;
    let mark: Promise<StreamMark> | undefined;
    const onWindow = () => {
      if (profile && diagnosticsUrl) profiling = profileService(diagnosticsUrl, profile.seconds, this.#d.log);
      mark = events?.probe.mark();
    };
    const measurement = 'grpc' in load ? await this.#d.grpcLoad.measure(load.grpc, rss, onWindow) : await this.#d.load.measure(load.http, rss, onWindow);
    // The window's end is marked before the profile is awaited: the two end together.
    const window = events && mark ? events.probe.window(measurement.name, await mark) : undefined;
    const summary = await profiling;
    if (summary) profile?.into(summary);
    const relayed = window ? await window : undefined;
    if (relayed) events?.into(relayed);
    const client = 'grpc' in load ? this.#d.grpcLoad.lastClientCpuMicrosPerCall : null;
    const clientNote = client === null ? '' : `; generator CPU ${Math.round(client)} µs/call`;
    const eventsNote = relayed ? `; events: ${Math.round(relayed.relayed / relayed.seconds)}/s relayed, ${Math.round(relayed.written / relayed.seconds)}/s written, ${relayed.pendingAtEnd} pending at the end` : '';
    this.#d.log(
      summary
        ? `${line(measurement)}; busy ${Math.round((1 - summary.idleShare) * 100)}%, top: ${summary.packages.slice(0, 4).map((p) => `${p.name} ${Math.round(p.share * 100)}%`).join(', ')}${clientNote}${eventsNote}`
        : `${line(measurement)}${clientNote}${eventsNote}`,
    );
    return measurement;
  }
}

/** One measured run's load: autocannon over HTTP/1.1 or the gRPC generator over HTTP/2. */
type Load = { readonly http: LoadSpec } | { readonly grpc: GrpcLoadSpec };

/** Waits until a gRPC listener accepts a connection (the service's starts beside its HTTP one). */
async function grpcReady(target: string): Promise<void> {
  const channel = createChannel(target);
  try {
    await waitForChannelReady(channel, new Date(Date.now() + 30_000));
  } finally {
    channel.close();
  }
}

function push<T>(map: Map<string, T[]>, name: string, m: T): void {
  map.set(name, [...(map.get(name) ?? []), m]);
}

function line(m: Measurement): string {
  const non2xx = m.non2xx > 0 ? `, ${m.non2xx} non-2xx` : '';
  const errors = m.errors > 0 ? `, ${m.errors} errors` : '';
  const rss = m.peakRssBytes === null ? '' : `, RSS ${Math.round(m.peakRssBytes / 1024 / 1024)} MB`;
  const cpu = m.cpuMicrosPerRequest === null ? '' : `, server CPU ${Math.round(m.cpuMicrosPerRequest)} µs/req`;
  return `${m.name}: ${Math.round(m.requestsPerSecond)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms${non2xx}${errors}${rss}${cpu}`;
}
