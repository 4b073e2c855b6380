import type { ScenarioInfo } from './catalog.ts';
import type { EventsSummary } from './events-stats.ts';
import { count, cpu, ms } from './format.ts';
import type { Measurement } from './measurement.ts';
import type { RepeatedRun } from './repeated-run.ts';

/** A published comparison of a Go user service on two cores, get-user (issue 15): what our REST/gRPC pair is set beside. */
export const PUBLISHED_GO_GET_USER = { restPerSecond: 1_850, grpcPerSecond: 6_300 } as const;

interface Run {
  readonly info: ScenarioInfo;
  readonly result?: RepeatedRun;
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || !(b > 0) || !Number.isFinite(a) ? '–' : `${(a / b).toFixed(2)}×`;
}

function rowOf(operation: string, rest: Measurement | undefined, grpc: Measurement | undefined): string {
  const cell = (m: Measurement | undefined, pick: (m: Measurement) => string) => (m ? pick(m) : '–');
  return [
    operation,
    cell(rest, (m) => count(m.okPerSecond)),
    cell(grpc, (m) => count(m.okPerSecond)),
    ratio(grpc?.okPerSecond ?? null, rest?.okPerSecond ?? null),
    cell(rest, (m) => cpu(m.cpuMicrosPerRequest)),
    cell(grpc, (m) => cpu(m.cpuMicrosPerRequest)),
    ratio(grpc?.cpuMicrosPerRequest ?? null, rest?.cpuMicrosPerRequest ?? null),
    cell(rest, (m) => `${ms(m.latencyP50Ms)} / ${ms(m.latencyP99Ms)}`),
    cell(grpc, (m) => `${ms(m.latencyP50Ms)} / ${ms(m.latencyP99Ms)}`),
  ].join(' | ');
}

/**
 * The same operations over REST and over gRPC, side by side, with the bare
 * servers (express hello-world, @grpc/grpc-js hello) as the floor of each
 * transport, and where get-user stands against the published Go figures.
 */
export function transportSection(scenarios: readonly Run[], baselines: readonly RepeatedRun[]): string[] {
  const byName = new Map(scenarios.flatMap((s) => (s.result ? [[s.info.name, s.result.median] as const] : [])));
  const pairs = scenarios.filter((s) => s.info.restTwin !== undefined && (s.result || byName.has(s.info.restTwin)));
  if (pairs.length === 0) return [];
  const baseline = (name: string) => baselines.find((b) => b.name === name)?.median;
  const rows = pairs.map((s) => `| ${rowOf(s.info.restTwin ?? '', byName.get(s.info.restTwin ?? ''), s.result?.median)} |`);
  const expressHello = baseline('express-hello');
  const grpcHello = baseline('grpc-hello');
  if (expressHello || grpcHello) rows.push(`| ${rowOf('bare hello-world (express 5 / @grpc/grpc-js)', expressHello, grpcHello)} |`);
  const lines = [
    '## REST and gRPC, the same operations',
    '',
    'Each row is one use-case called over REST (HTTP/1.1, autocannon) and over gRPC (HTTP/2 through the generated clients, ' +
      'several connections each carrying many concurrent calls), with the same concurrency, users and data. req/s counts OK answers; ' +
      'CPU is the server process\'s per call; the ratios are gRPC over REST (req/s above 1× and CPU below 1× favour gRPC).',
    '',
    '| operation | REST req/s | gRPC req/s | req/s ratio | REST CPU µs | gRPC CPU µs | CPU ratio | REST p50 / p99 ms | gRPC p50 / p99 ms |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
  ];
  const rest = byName.get('user-read');
  const grpc = byName.get('grpc-user-read');
  if (rest || grpc) lines.push(goLine(rest, grpc), '');
  return lines;
}

export function goLine(rest: Measurement | undefined, grpc: Measurement | undefined): string {
  const go = PUBLISHED_GO_GET_USER;
  const ours = (m: Measurement | undefined) => (m ? `${count(m.okPerSecond)} req/s` : 'not measured');
  const gain = rest && grpc && rest.okPerSecond > 0 ? ` (gRPC ${(grpc.okPerSecond / rest.okPerSecond).toFixed(2)}× REST)` : '';
  return (
    `Against the published Go user service on two cores (get-user: REST ${count(go.restPerSecond)} req/s, gRPC ${count(go.grpcPerSecond)} req/s, ` +
    `gRPC ${(go.grpcPerSecond / go.restPerSecond).toFixed(2)}× REST): ordersvc's get-user runs REST ${ours(rest)}, gRPC ${ours(grpc)}${gain}` +
    `${rest ? `, ${percentOf(rest.okPerSecond, go.restPerSecond)} of Go's REST` : ''}${grpc ? ` and ${percentOf(grpc.okPerSecond, go.grpcPerSecond)} of Go's gRPC` : ''}. ` +
    'Those figures come from another service on other hardware; ours checks the bearer session, the per-caller rate limit and the release channel on every call, ' +
    'and here the load generator shares the two cores with the service.'
  );
}

/** Whether the relay kept up with the writes, and what it adds to a bare publish's latency. */
export function relayVerdict(name: string, e: EventsSummary, publisher: Measurement): string {
  const keptUp = e.relayedPerSecond >= e.writtenPerSecond * 0.95;
  const pace = keptUp
    ? `the relay kept up with the writes (${count(e.relayedPerSecond)} of ${count(e.writtenPerSecond)} events/s)`
    : `the relay fell behind the writes (${count(e.relayedPerSecond)} of ${count(e.writtenPerSecond)} events/s, ${count(e.pendingAtEnd)} rows pending at the end)`;
  const added = e.latencyP50Ms - publisher.latencyP50Ms;
  return `${name}: ${pace}; commit → stream p50 ${ms(e.latencyP50Ms)} ms against a bare publish's ${ms(publisher.latencyP50Ms)} ms, so the outbox path adds about ${ms(Math.max(0, added))} ms at the median (the bare publisher could take ${count(publisher.okPerSecond)} publishes/s).`;
}

function percentOf(value: number, of: number): string {
  return `${Math.round((value / of) * 100)}%`;
}

/**
 * The events relayed to JetStream while orders were placed, beside the bare
 * publisher: how much of the broker's rate the relay reaches, and what a
 * subscriber waits from commit to the stream.
 */
export function eventsSection(scenarios: readonly { readonly info: ScenarioInfo; readonly events?: EventsSummary }[], publisher: RepeatedRun | undefined, messageBytes: number): string[] {
  const measured = scenarios.flatMap((s) => (s.events ? [{ info: s.info, events: s.events }] : []));
  if (measured.length === 0 && !publisher) return [];
  const lines = [
    '## Integration events under order placement (outbox → JetStream)',
    '',
    'Over each order-placement window: events the service wrote to its outbox and the messages its relay stored in the stream, per second; ' +
      'the latency from commit (the outbox row\'s `created_at`, its transaction\'s start) to the message\'s JetStream timestamp, over up to 2,000 messages per window spread over it; ' +
      'and the outbox rows still unpublished at the window\'s end. The bare publisher is its own process on the same NATS, one publish in flight awaiting its ack, as the relay publishes one aggregate\'s events (it pipelines different aggregates).',
    '',
    '| load | written/s | relayed/s | commit → stream p50 ms | p99 ms | sampled | pending at the end | mean message bytes |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...measured.map(({ info, events: e }) => `| ${info.title} | ${count(e.writtenPerSecond)} | ${count(e.relayedPerSecond)} | ${ms(e.latencyP50Ms)} | ${ms(e.latencyP99Ms)} | ${count(e.sampled)} | ${count(e.pendingAtEnd)} | ${count(e.meanBytes)} |`),
  ];
  if (publisher) {
    const m = publisher.median;
    lines.push(`| bare JetStream publish (${count(messageBytes)}-byte messages), publish → ack | – | ${count(m.okPerSecond)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP99Ms)} | ${count(m.requests)} | – | ${count(messageBytes)} |`);
    for (const { info, events: e } of measured) lines.push('', relayVerdict(info.name, e, m));
  }
  lines.push('');
  return lines;
}
