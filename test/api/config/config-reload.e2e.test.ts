import { mkdtemp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../internal/platform/logger/logger.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly reason?: string;
  readonly settings?: string[];
}

/** A logger whose lines the test reads. */
function capturingLogger(level: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

/**
 * A folder laid out as the kubelet mounts a ConfigMap: `config.env` links to
 * `..data/config.env`, and `..data` links to a timestamped folder. An update
 * writes a new folder and renames a new `..data` link over the old one.
 */
class MountedConfigMap {
  #version = 0;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  get file(): string {
    return join(this.dir, 'config.env');
  }

  async publish(content: string): Promise<void> {
    this.#version += 1;
    const folder = `..2026_12_03_09_15_0${this.#version}.${process.pid}`;
    await mkdir(join(this.dir, folder));
    await writeFile(join(this.dir, folder, 'config.env'), content);
    await symlink(folder, join(this.dir, '..data_tmp'));
    await rename(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.#version === 1) await symlink(join('..data', 'config.env'), this.file);
  }
}

async function healthStatus(app: TestApp): Promise<{ config: Record<string, unknown> & { reloads: Record<string, number>; restart_required: string[] } }> {
  const response = await fetch(`http://127.0.0.1:${app.service.diagnosticsPort}/health/status`);
  return (await response.json()) as never;
}

/** The quota (`q`) of the API's RateLimit-Policy. */
async function apiQuota(app: TestApp): Promise<number | undefined> {
  const response = await fetch(`${app.baseUrl}/v1/products`);
  await response.body?.cancel();
  const quota = /"api"; q=(\d+)/.exec(response.headers.get('ratelimit-policy') ?? '')?.[1];
  return quota === undefined ? undefined : Number(quota);
}

/** Requests to the service, one after the other, until stopped: none may fail. */
function steadyTraffic(app: TestApp): { stop(): Promise<{ answered: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let answered = 0;
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${app.baseUrl}/healthz`);
        await response.body?.cancel();
        if (response.status === 200) answered += 1;
        else failures.push(`status ${response.status}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answered, failures };
    },
  };
}

describe('configuration reload from a mounted ConfigMap', () => {
  let app: TestApp;
  let configMap: MountedConfigMap;
  let logs: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    configMap = new MountedConfigMap(await mkdtemp(join(tmpdir(), 'ordersvc-config-')));
    await configMap.publish('RATE_LIMIT_API_PER_WINDOW=1000\nLOG_LEVEL=info\n');
    logs = capturingLogger('info');
    // Events only: the poll would hide a watcher that misses the swap.
    app = await startTestApp({ CONFIG_FILE: configMap.file, CONFIG_FILE_POLL_MS: '0', RATE_LIMIT_API_PER_WINDOW: '50' }, { logger: logs.logger });
  });

  afterAll(async () => {
    await app?.stop();
    if (configMap) await rm(configMap.dir, { recursive: true, force: true });
  });

  it('when the service starts, then the file is read over the environment', async () => {
    expect(await apiQuota(app)).toBe(1000);
  });

  it('when the rate limit and log level change in the file, then both apply while every request is still answered', async () => {
    const componentLogger = logs.logger.child({ component: 'made-at-start' });
    const traffic = steadyTraffic(app);
    const port = app.service.port;

    await configMap.publish('RATE_LIMIT_API_PER_WINDOW=3\nLOG_LEVEL=debug\n');
    await expect.poll(() => apiQuota(app), { timeout: 10_000 }).toBe(3);
    const { answered, failures } = await traffic.stop();

    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect(app.service.port).toBe(port);
    expect(logs.logger.level).toBe('debug');
    expect(componentLogger.isLevelEnabled('debug')).toBe(true);
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'configuration reloaded', applied: expect.arrayContaining(['RATE_LIMIT_API_PER_WINDOW', 'LOG_LEVEL']) }));
    const limited = await fetch(`${app.baseUrl}/v1/products`);
    expect(limited.status).toBe(429);
    const status = await healthStatus(app);
    expect(status.config).toMatchObject({ source: `CONFIG_FILE ${configMap.file}`, last_applied: { outcome: 'applied', trigger: 'file' }, restart_required: [] });
  });

  it('when the file holds a bad value, then the reload is refused with the reason and the running settings stay', async () => {
    const before = (await healthStatus(app)).config.reloads.rejected ?? 0;

    await configMap.publish('RATE_LIMIT_API_PER_WINDOW=-5\nLOG_LEVEL=error\n');
    await expect.poll(async () => (await healthStatus(app)).config.reloads.rejected, { timeout: 10_000 }).toBe(before + 1);

    const status = await healthStatus(app);
    expect(status.config.last_rejected).toMatchObject({ outcome: 'rejected', error: expect.stringContaining('RATE_LIMIT_API_PER_WINDOW') });
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('refused'), reason: expect.stringContaining('RATE_LIMIT_API_PER_WINDOW') }));
    expect(await apiQuota(app)).toBe(3);
    expect(logs.logger.level).toBe('debug');
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^config_reloads_total\{outcome="rejected"\} 1$/m);
    expect(metrics).toMatch(/^config_reloads_total\{outcome="applied"\} 1$/m);
  });

  it('when the file holds an unknown setting, then the reload is refused and names it', async () => {
    await configMap.publish('RATE_LIMIT_API_PER_WINDOW=3\nRATE_LIMIT_API_PER_WINDOWS=9\n');

    await expect.poll(async () => (await healthStatus(app)).config.last_rejected, { timeout: 10_000 }).toMatchObject({ error: expect.stringContaining('RATE_LIMIT_API_PER_WINDOWS: no such setting') });
    expect(await apiQuota(app)).toBe(3);
  });

  it('when a setting that needs a restart changes, then it is reported and not applied, and the live ones still apply', async () => {
    await configMap.publish('RATE_LIMIT_API_PER_WINDOW=4\nLOG_LEVEL=debug\nJOBS_CONCURRENCY=7\n');

    await expect.poll(() => apiQuota(app), { timeout: 10_000 }).toBe(4);
    const status = await healthStatus(app);
    expect(status.config.restart_required).toEqual(['JOBS_CONCURRENCY']);
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', settings: ['JOBS_CONCURRENCY'] }));
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^config_restart_required_settings 1$/m);
  });
});

describe('configuration reload on SIGHUP', () => {
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ordersvc-config-'));
    await writeFile(join(dir, 'ordersvc.env'), 'CORS_ORIGINS=\n');
    app = await startTestApp({ CONFIG_FILE: join(dir, 'ordersvc.env'), CONFIG_FILE_WATCH: 'false' });
  });

  afterAll(async () => {
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when the file is edited without a watch, then nothing changes until SIGHUP, and then the CORS origins apply', async () => {
    const origin = 'https://shop.example.com';
    const corsHeader = async () => (await fetch(`${app.baseUrl}/healthz`, { headers: { origin } })).headers.get('access-control-allow-origin');
    await writeFile(join(dir, 'ordersvc.env'), `CORS_ORIGINS=${origin}\n`);
    expect(await corsHeader()).toBeNull();

    process.kill(process.pid, 'SIGHUP');

    await expect.poll(corsHeader, { timeout: 10_000 }).toBe(origin);
    expect((await healthStatus(app)).config).toMatchObject({ last_applied: { trigger: 'signal', applied: ['CORS_ORIGINS'] } });
  });
});
