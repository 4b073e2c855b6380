import { describe, expect, it } from 'vitest';
import type { ScenarioInfo } from './catalog.ts';
import { HTTP_SCENARIOS } from './http-scenarios.ts';
import { toMeasurement, type Measurement } from './measurement.ts';
import { aggregateRuns } from './repeated-run.ts';
import { count, flagsOf, formatMarkdown, keptSection, type BenchReport } from './report.ts';

function measurement(overrides: Partial<Measurement> = {}): Measurement {
  return {
    name: 'express-hello',
    title: 'bare express 5 hello-world',
    connections: 64,
    durationSeconds: 10,
    requests: 100_000,
    requestsPerSecond: 10_000,
    okPerSecond: 10_000,
    latencyP50Ms: 5,
    latencyP99Ms: 12,
    latencyMaxMs: 40,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCounts: { '200': 100_000 },
    peakRssBytes: 80 * 1024 * 1024,
    cpuMicrosPerRequest: 95,
    ...overrides,
  };
}

function scenario(name: string): ScenarioInfo {
  const info = HTTP_SCENARIOS.find((s) => s.name === name);
  if (!info) throw new Error(`no scenario ${name}`);
  return info;
}

function report(overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    environment: {
      date: '2025-01-01T00:00:00.000Z',
      command: 'npm run bench -- --quick',
      commit: 'abc123',
      cpuModel: 'Test CPU',
      cores: 2,
      memoryBytes: 8 * 1024 ** 3,
      os: 'Linux 6',
      node: 'v22.0.0',
      autocannon: '9.0.0',
      postgres: 'PostgreSQL 17',
      redis: 'none',
    },
    settings: { quick: true, repeat: 1, connections: 64, warmupSeconds: 1, durationSeconds: 4, users: 10_000, products: 1_000, productStock: 1_000_000 },
    raisedLimits: { RATE_LIMIT_API_PER_WINDOW: '1000000000' },
    serviceRuntime: 'NODE_OPTIONS=--max-old-space-size=128',
    baselines: [aggregateRuns([measurement()]), aggregateRuns([measurement({ name: 'express-pg-write', title: 'write', okPerSecond: 2_000, requestsPerSecond: 2_000, cpuMicrosPerRequest: 750 })])],
    scenarios: [
      { info: scenario('product-read'), result: aggregateRuns([measurement({ name: 'product-read', okPerSecond: 7_000, requestsPerSecond: 7_000, latencyP99Ms: 20, cpuMicrosPerRequest: 180 })]) },
      {
        info: scenario('order-place'),
        result: aggregateRuns([measurement({
          name: 'order-place',
          requests: 1_000,
          okPerSecond: 50,
          requestsPerSecond: 100,
          non2xx: 500,
          statusCounts: { '201': 500, '503': 500 },
          latencyP99Ms: 300,
          cpuMicrosPerRequest: 6_000,
        })]),
        profile: {
          busySamples: 1_000,
          idleShare: 0.02,
          packages: [{ name: 'kysely', share: 0.09 }, { name: '(native)', share: 0.2 }],
          frames: [{ name: 'writev', package: '(native)', share: 0.15 }],
        },
      },
      { info: scenario('order-read'), skipped: 'no paid orders' },
    ],
    curves: [
      {
        name: 'users-table',
        title: 'user page of 50 by rows in the users table',
        xLabel: 'rows in users',
        expectation: 'flat',
        points: [
          { x: 10_000, result: aggregateRuns([measurement({ cpuMicrosPerRequest: 1_000 })]) },
          { x: 1_000_000, result: aggregateRuns([measurement({ cpuMicrosPerRequest: 2_500 })]) },
        ],
        verdict: { flagged: true, reason: 'grows 150% from x=10000 to x=1000000 where it should be flat (tolerance 30%)' },
        svg: 'benchmarks/users-table.svg',
      },
    ],
    stockDrift: 0,
    servicePeakRssBytes: 150 * 1024 * 1024,
    notes: ['Taken while other work ran on the machine.'],
    ...overrides,
  };
}

describe('flags', () => {
  it('when a run is clean, then it carries no flags', () => {
    expect(flagsOf(measurement())).toEqual([]);
  });

  it('when the non-2xx share, socket errors or RSS are too high, then each is flagged', () => {
    const flags = flagsOf(measurement({ requests: 1_000, non2xx: 200, errors: 3, timeouts: 1, peakRssBytes: 300 * 1024 * 1024 }));
    expect(flags).toEqual(['non-2xx 20.0%', '3 errors (1 timeouts)', 'RSS over 200 MB']);
  });

  it('when the non-2xx share is at most 1%, then it is not flagged (but still counted)', () => {
    expect(flagsOf(measurement({ requests: 1_000, non2xx: 10 }))).toEqual([]);
  });
});

describe('the markdown report', () => {
  it('when written, then it states the machine, Node, commit and command, and every run with its numbers', () => {
    const markdown = formatMarkdown(report());

    expect(markdown).toContain('Test CPU, 2 cores, 8.0 GiB RAM, Linux 6');
    expect(markdown).toContain('| Node | v22.0.0 |');
    expect(markdown).toContain('| Commit | abc123 |');
    expect(markdown).toContain('`npm run bench -- --quick`');
    expect(markdown).toContain('| bare express 5 hello-world | 10,000 | 5 | 12 | 100,000 | 0 | 0 | 80 | 95 | – |  |');
    expect(markdown).toContain('| cached product read (GET /v1/products/{id}, 8 hot ids) | 7,000 | 5 | 20 | 100,000 | 0 | 0 | 80 | 180 | – | express-hello | 1.89× |');
    expect(markdown).toContain('| product-read | CPU/req ≤ 2× express-hello | 1.89× (180 vs 95 µs) | **met** |');
    expect(markdown).toContain('| order-place | CPU/req ≤ 5× express-pg-write | 8.00× (6000 vs 750 µs) | **missed** | missed by 3.00× (60%) |');
    expect(markdown).toContain('`RATE_LIMIT_API_PER_WINDOW=1000000000`');
    expect(markdown).toContain('- Taken while other work ran on the machine.');
    expect(markdown).toContain('0 units oversold or lost');
  });

  it('when a scenario answered many non-2xx, then they are counted, listed by status and flagged', () => {
    const markdown = formatMarkdown(report());
    const row = markdown.split('\n').find((line) => line.startsWith('| place an order'));

    expect(row).toContain('| 1,000 | 0 | 500 |');
    expect(row).toContain('⚠ non-2xx 50.0%');
    expect(markdown).toContain('- order-place: 503 × 500');
  });

  it('when a gRPC run answered OK and NOT_FOUND, then only NOT_FOUND is listed as a non-2xx status', () => {
    const grpc = aggregateRuns([measurement({ name: 'grpc-user-read', non2xx: 3, statusCounts: { OK: 997, NOT_FOUND: 3 } })]);
    const markdown = formatMarkdown(report({ baselines: [...report().baselines, grpc] }));
    expect(markdown).toContain('- grpc-user-read: NOT_FOUND × 3');
    expect(markdown).not.toContain('OK × 997');
  });

  it('when no gRPC scenario and no event window ran, then the report does not describe them', () => {
    const markdown = formatMarkdown(report());
    expect(markdown).not.toContain('gRPC scenarios call');
    expect(markdown).not.toContain('With NATS, the service relays');
    expect(markdown).not.toContain('HTTP/2 connections');
  });

  it('when a gRPC scenario and an event window ran, then the comparison, the events section and their setup are written', () => {
    const base = report();
    const grpcInfo: ScenarioInfo = { name: 'grpc-order-place', title: 'gRPC PlaceOrder', baseline: 'express-pg-write', restTwin: 'order-place', measuresEvents: true };
    const events = { scenario: 'grpc-order-place', rounds: 1, writtenPerSecond: 90, relayedPerSecond: 90, latencyP50Ms: 6, latencyP99Ms: 40, sampled: 900, pendingAtEnd: 0, meanBytes: 670 };
    const markdown = formatMarkdown(report({ scenarios: [...base.scenarios, { info: grpcInfo, result: aggregateRuns([measurement({ name: 'grpc-order-place', cpuMicrosPerRequest: 5_000 })]), events }] }));
    expect(markdown).toContain('## REST and gRPC, the same operations');
    expect(markdown).toContain('| order-place | 50 | 10,000 |');
    expect(markdown).toContain('## Integration events under order placement');
    expect(markdown).toContain('| gRPC PlaceOrder | 90 | 90 | 6 | 40 | 900 | 0 | 670 |');
    expect(markdown).toContain('gRPC scenarios call');
    expect(markdown).toContain('With NATS, the service relays');
    expect(markdown).toContain('64 calls in flight over 4 HTTP/2 connections');
  });

  it('when the run relayed events to NATS, then the environment table names it', () => {
    const base = report();
    expect(formatMarkdown(report({ environment: { ...base.environment, nats: 'NATS 2.9 with JetStream' } }))).toContain('| NATS | NATS 2.9 with JetStream |');
  });

  it('when a scenario could not run, then its row says why', () => {
    const row = formatMarkdown(report())
      .split('\n')
      .find((line) => line.startsWith('| order read'));
    expect(row).toContain('skipped: no paid orders');
  });

  it('when the previous file has notes below the marker, then they survive the rewrite', () => {
    const first = formatMarkdown(report());
    const withNotes = `${first}\n## Before/after\n\nThe cache made product reads 3x faster.\n`;

    const second = formatMarkdown(report(), withNotes);

    expect(second).toContain('## Before/after\n\nThe cache made product reads 3x faster.');
    expect(second.match(/Everything below this line is kept/g)).toHaveLength(1);
    expect(keptSection(undefined)).toContain('Everything below this line is kept');
  });

  it('when curves and profiles were taken, then each curve has its table, verdict and plot, and each profile its packages and frames', () => {
    const markdown = formatMarkdown(report());
    expect(markdown).toContain('### user page of 50 by rows in the users table (flat) ⚠');
    expect(markdown).toContain('| 1,000,000 | 2,500 | – |');
    expect(markdown).toContain('![user page of 50 by rows in the users table](benchmarks/users-table.svg)');
    expect(markdown).toContain('### order-place');
    expect(markdown).toContain('By package: kysely 9.0% · (native) 20.0%');
    expect(markdown).toContain('| `writev` | (native) | 15.0% |');
  });

  it('when there were several rounds, then the spread is shown beside the medians', () => {
    const runs = aggregateRuns([measurement({ cpuMicrosPerRequest: 90 }), measurement({ cpuMicrosPerRequest: 110 }), measurement({ cpuMicrosPerRequest: 100 })]);
    const markdown = formatMarkdown(report({ baselines: [runs], settings: { ...report().settings, repeat: 3 } }));
    expect(markdown).toContain('| 100 | ±10%, ±0% |');
    expect(markdown).toContain('3 rounds alternating baselines and scenarios');
  });

  it('when numbers are large, then they get thousands separators', () => {
    expect(count(1_234_567.4)).toBe('1,234,567');
    expect(count(Number.NaN)).toBe('–');
  });
});

describe('measurements from autocannon results', () => {
  it('when a result comes in, then rates are per measured second and statuses are counted', () => {
    const m = toMeasurement(
      { name: 'x', title: 'X', connections: 64 },
      {
        duration: 4,
        errors: 2,
        timeouts: 1,
        non2xx: 100,
        '2xx': 300,
        latency: { p50: 3, p99: 9, max: 20 },
        requests: { total: 400 },
        statusCodeStats: { '200': { count: 300 }, '503': { count: 100 } },
      },
      1024,
    );

    expect(m).toMatchObject({ requests: 400, requestsPerSecond: 100, okPerSecond: 75, non2xx: 100, errors: 2, peakRssBytes: 1024 });
    expect(m.statusCounts).toEqual({ '200': 300, '503': 100 });
  });
});
