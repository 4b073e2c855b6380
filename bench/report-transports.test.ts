import { describe, expect, it } from 'vitest';
import type { ScenarioInfo } from './catalog.ts';
import type { EventsSummary } from './events-stats.ts';
import type { Measurement } from './measurement.ts';
import { aggregateRuns } from './repeated-run.ts';
import { eventsSection, goLine, relayVerdict, transportSection } from './report-transports.ts';

function m(name: string, okPerSecond: number, cpuMicrosPerRequest: number | null, over: Partial<Measurement> = {}): Measurement {
  return {
    name, title: name, connections: 64, durationSeconds: 10, requests: okPerSecond * 10, requestsPerSecond: okPerSecond, okPerSecond,
    latencyP50Ms: 5, latencyP99Ms: 20, latencyMaxMs: 50, errors: 0, timeouts: 0, non2xx: 0, statusCounts: {}, peakRssBytes: null, cpuMicrosPerRequest, ...over,
  };
}
const info = (name: string, over: Partial<ScenarioInfo> = {}): ScenarioInfo => ({ name, title: `${name} title`, baseline: 'express-hello', ...over });
const run = (measurement: Measurement) => aggregateRuns([measurement]);

describe('transportSection', () => {
  const scenarios = [
    { info: info('user-read'), result: run(m('user-read', 1_000, 400)) },
    { info: info('grpc-user-read', { restTwin: 'user-read', baseline: 'grpc-hello' }), result: run(m('grpc-user-read', 2_000, 200)) },
  ];

  it('when a gRPC scenario and its REST twin ran, then one row sets them side by side with gRPC-over-REST ratios', () => {
    const text = transportSection(scenarios, []).join('\n');
    expect(text).toContain('| user-read | 1,000 | 2,000 | 2.00× | 400 | 200 | 0.50× | 5 / 20 | 5 / 20 |');
  });

  it('when the bare servers ran, then they are the last row, the floor of each transport', () => {
    const lines = transportSection(scenarios, [run(m('express-hello', 5_000, 100)), run(m('grpc-hello', 8_000, 80))]);
    expect(lines.find((l) => l.startsWith('| bare hello-world'))).toBe('| bare hello-world (express 5 / @grpc/grpc-js) | 5,000 | 8,000 | 1.60× | 100 | 80 | 0.80× | 5 / 20 | 5 / 20 |');
  });

  it('when the twin did not run, then its cells are dashes, not zeros', () => {
    const text = transportSection([scenarios[1] as (typeof scenarios)[number]], []).join('\n');
    expect(text).toContain('| user-read | – | 2,000 | – | – | 200 | – | – | 5 / 20 |');
  });

  it('when no gRPC scenario ran, then there is no section', () => {
    expect(transportSection([scenarios[0] as (typeof scenarios)[number]], [])).toEqual([]);
  });
});

describe('goLine', () => {
  it('when both get-user runs are measured, then it places them against the published Go figures', () => {
    const line = goLine(m('user-read', 925, 400), m('grpc-user-read', 3_150, 200));
    expect(line).toContain('REST 1,850 req/s, gRPC 6,300 req/s, gRPC 3.41× REST');
    expect(line).toContain("REST 925 req/s, gRPC 3,150 req/s (gRPC 3.41× REST), 50% of Go's REST and 50% of Go's gRPC");
  });
  it('when gRPC was not measured, then it says so', () => {
    expect(goLine(m('user-read', 925, 400), undefined)).toContain('gRPC not measured');
  });
});

describe('eventsSection', () => {
  const events: EventsSummary = { scenario: 'order-place', rounds: 1, writtenPerSecond: 300, relayedPerSecond: 298, latencyP50Ms: 4.2, latencyP99Ms: 31, sampled: 2_000, pendingAtEnd: 3, meanBytes: 676 };

  it('when order placement was measured beside the bare publisher, then both rows and a verdict are written', () => {
    const text = eventsSection([{ info: info('order-place', { title: 'place an order' }), events }], run(m('jetstream-publish', 2_500, 120, { latencyP50Ms: 0.4, latencyP99Ms: 2 })), 680).join('\n');
    expect(text).toContain('| place an order | 300 | 298 | 4.2 | 31 | 2,000 | 3 | 676 |');
    expect(text).toContain('| bare JetStream publish (680-byte messages), publish → ack | – | 2,500 | 0.4 | 2 | 25,000 | – | 680 |');
    expect(text).toContain('order-place: the relay kept up with the writes (298 of 300 events/s)');
  });

  it('when nothing about events ran, then there is no section', () => {
    expect(eventsSection([{ info: info('user-read') }], undefined, 680)).toEqual([]);
  });
});

describe('relayVerdict', () => {
  it('when the relay stored clearly fewer events than were written, then it says it fell behind, with the backlog', () => {
    const verdict = relayVerdict('order-place', { scenario: 'order-place', rounds: 1, writtenPerSecond: 300, relayedPerSecond: 150, latencyP50Ms: 900, latencyP99Ms: 1_500, sampled: 10, pendingAtEnd: 1_200, meanBytes: 676 }, m('jetstream-publish', 2_000, 100, { latencyP50Ms: 0.5 }));
    expect(verdict).toContain('fell behind the writes (150 of 300 events/s, 1,200 rows pending at the end)');
    expect(verdict).toContain('adds about 899.5 ms');
  });
});
