import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsSettingsError } from '../../../cmd/server/diagnostics.ts';
import { startService } from '../../../cmd/server/service.ts';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { loadConfig } from '../../../internal/platform/config/load-config.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { freePort } from '../../support/free-port.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const TOKEN = 'diagnostics-token-for-tests-0123456789';

function diagnosticsUrl(app: TestApp, path: string): string {
  if (app.service.diagnosticsPort === undefined) throw new Error('the diagnostics listener did not start');
  return `http://127.0.0.1:${app.service.diagnosticsPort}${path}`;
}

describe('the diagnostics listener bound to a non-loopback address with a token', () => {
  let app: TestApp;
  let secrets: string;
  const withToken = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    secrets = await mkdtemp(join(tmpdir(), 'ordersvc-diagnostics-'));
    await writeFile(join(secrets, 'token'), `${TOKEN}\n`);
    app = await startTestApp({ DIAGNOSTICS_HOST: '0.0.0.0', DIAGNOSTICS_TOKEN_FILE: join(secrets, 'token') });
  });

  afterAll(async () => {
    await app?.stop();
    if (secrets) await rm(secrets, { recursive: true, force: true });
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['the token with one character more', { authorization: `Bearer ${TOKEN}x` }],
    ['the token in another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('when a request comes with %s, then it is 401 problem+json and reveals nothing', async (_case, headers: Record<string, string>) => {
    for (const path of ['/health/status', '/runtime/heap', '/debug/heap-snapshot', '/debug/cpu-profile?seconds=1', '/nowhere']) {
      const response = await fetch(diagnosticsUrl(app, path), { headers });

      expect(response.status, path).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ status: 401, code: 'DIAGNOSTICS_TOKEN_REQUIRED' });
    }
  });

  it('when a request carries the token (read from DIAGNOSTICS_TOKEN_FILE), then it is answered', async () => {
    const response = await fetch(diagnosticsUrl(app, '/runtime/handles'), { headers: withToken });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { total: number; by_type: Record<string, number> };
    expect(body.total).toBeGreaterThan(0);
    expect(body.by_type.TCPServerWrap).toBeGreaterThanOrEqual(2);
    expect(Object.values(body.by_type).reduce((sum, n) => sum + n, 0)).toBe(body.total);
  });

  it('when /health/status is asked, then it names the version, uptime, dependencies, pool, queues, breakers, schedules and streams', async () => {
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

    const response = await fetch(diagnosticsUrl(app, '/health/status'), { headers: withToken });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ready',
      version: manifest.version,
      node: process.version,
      uptime_seconds: expect.any(Number) as number,
      dependencies: { postgres: { status: 'up', latency_ms: expect.any(Number) as number } },
      pools: { database: { total: expect.any(Number) as number, idle: expect.any(Number) as number, waiting: 0, max: 10 } },
      breakers: { payment_gateway: { state: 'closed', running: 0, queued: 0 } },
      activity: { subscribers: 0, users: 0, buffered_events: 0 },
      // What was sized from the container's limits, with the reason of each choice.
      sizing: { cpus: expect.any(Number) as number, heap: { limit_bytes: expect.any(Number) as number }, choices: expect.arrayContaining([expect.objectContaining({ setting: 'PASSWORD_HASH_CONCURRENCY', source: 'explicit' })]) as unknown[] },
    });
    expect(body.job_queues).toEqual(expect.arrayContaining([expect.objectContaining({ queue: 'order-confirmation', counts: expect.objectContaining({ created: expect.any(Number) as number }) as object })]));
    const schedules = body.schedules as { instance: string; items: { name: string; runs: number; skipped: object }[] };
    expect(schedules.instance).toEqual(expect.any(String));
    expect(schedules.items.map((item) => item.name)).toEqual(expect.arrayContaining(['recover-pending-orders', 'purge-idempotency-keys', 'purge-sessions']));
  });

  it('when a CPU profile of 1 second is asked twice at once, then one is a profile Chrome DevTools opens and the other is 409', async () => {
    const ask = () => fetch(diagnosticsUrl(app, '/debug/cpu-profile?seconds=1'), { headers: withToken });

    const responses = await Promise.all([ask(), ask()]);

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const [ok, busy] = responses[0]?.status === 200 ? responses : [...responses].reverse();
    expect(await busy?.json()).toMatchObject({ status: 409, code: 'PROFILE_IN_PROGRESS' });
    expect(ok?.headers.get('content-disposition')).toMatch(/^attachment; filename="?ordersvc-\d+-[\dT:Z-]+\.cpuprofile"?$/);
    const profile = (await ok?.json()) as { nodes: { id: number; callFrame: { functionName: string } }[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.nodes[0]?.callFrame.functionName).toBe('(root)');
    expect(profile.samples.length).toBe(profile.timeDeltas.length);
    expect(profile.samples.length).toBeGreaterThan(0);
    // Microseconds: about one second of profile.
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(900_000);
  });

  it('when the profile is over, then another one may be taken', async () => {
    const response = await fetch(diagnosticsUrl(app, '/debug/cpu-profile?seconds=1'), { headers: withToken });

    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it.each(['0', '121', '1.5', 'ten'])('when a CPU profile of %s seconds is asked, then it is 400 and no profile runs', async (seconds) => {
    const response = await fetch(diagnosticsUrl(app, `/debug/cpu-profile?seconds=${seconds}`), { headers: withToken });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('when a heap snapshot is asked, then a .heapsnapshot download starts streaming the snapshot JSON', async () => {
    const controller = new AbortController();
    const response = await fetch(diagnosticsUrl(app, '/debug/heap-snapshot'), { headers: withToken, signal: controller.signal });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?ordersvc-\d+-[\dT:Z-]+\.heapsnapshot"?$/);
    expect(response.headers.get('content-length')).toBeNull();
    const reader = response.body!.getReader();
    let head = '';
    const decoder = new TextDecoder();
    while (head.length < 20) {
      const { value, done } = await reader.read();
      if (done) break;
      head += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);

    expect(head).toMatch(/^\{\s*"snapshot"\s*:\s*\{/);
  });

  it('when a client abandoned a heap snapshot, then the next one may be taken', async () => {
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      const response = await fetch(diagnosticsUrl(app, '/debug/heap-snapshot'), { headers: withToken });
      status = response.status;
      await response.body?.cancel();
      if (status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(status).toBe(200);
  });

  it('when the heap, the event loop and the routes are asked, then each answers its numbers', async () => {
    const [heap, loop, routes] = await Promise.all(
      ['/runtime/heap', '/runtime/event-loop?reset=true', '/routes'].map(async (path) => {
        const response = await fetch(diagnosticsUrl(app, path), { headers: withToken });
        expect(response.status, path).toBe(200);
        return (await response.json()) as Record<string, unknown>;
      }),
    );

    expect(heap).toMatchObject({ rss_bytes: expect.any(Number) as number, heap_used_bytes: expect.any(Number) as number, gc: { major: expect.any(Number) as number } });
    expect(loop).toMatchObject({ delay_ms: { p50: expect.any(Number) as number, p99: expect.any(Number) as number, max: expect.any(Number) as number }, utilization: expect.any(Number) as number });
    expect(routes?.routes).toEqual(expect.arrayContaining([{ method: 'GET', path: '/v1/products/:id' }, { method: 'POST', path: '/v1/orders' }]));
  });

  it('when a path is unknown, then it is 404 problem+json', async () => {
    const response = await fetch(diagnosticsUrl(app, '/debug/pprof'), { headers: withToken });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('the diagnostics listener on loopback without a token', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('when a request comes without a token, then it is answered', async () => {
    const response = await fetch(diagnosticsUrl(app, '/health/status'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it('when a major GC has run, then the heap after it is reported', async () => {
    // A large short-lived allocation makes V8 collect the old generation soon; poll until it has.
    const deadline = Date.now() + 20_000;
    let heap: { after_last_major_gc: { heap_used_bytes: number } | null; gc: { major: number } } | undefined;
    while (Date.now() < deadline) {
      const garbage = Array.from({ length: 40 }, () => new Array<number>(50_000).fill(1));
      garbage.length = 0;
      heap = (await (await fetch(diagnosticsUrl(app, '/runtime/heap'))).json()) as typeof heap;
      if (heap?.after_last_major_gc) break;
    }

    expect(heap?.gc.major).toBeGreaterThan(0);
    expect(heap?.after_last_major_gc?.heap_used_bytes).toBeGreaterThan(0);
  });
});

describe('refusing unsafe diagnostics settings', () => {
  it('when the listener would bind to a non-loopback address without a token, then the service refuses to start and says why', async () => {
    const { config } = loadConfig({
      DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/nothing`,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DIAGNOSTICS_HOST: '0.0.0.0',
      DIAGNOSTICS_PORT: '0',
    });

    const started = startService(config, createLogger({ level: 'silent' }));

    await expect(started).rejects.toBeInstanceOf(DiagnosticsSettingsError);
    await expect(started).rejects.toThrow(/0\.0\.0\.0.*DIAGNOSTICS_TOKEN/);
  });
});
