import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.ts';

const folder = mkdtempSync(join(tmpdir(), 'ordersvc-config-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('when nothing is set, then the defaults load and hang together', () => {
    const { config } = loadConfig({});

    expect(config.orders.recoverAfterMs).toBeGreaterThanOrEqual(config.http.requestBudgetMs + config.orders.settleTimeoutMs);
  });

  it('when recovery could take on an order its request is still settling, then loading fails naming the three settings', () => {
    const load = () => loadConfig({ ORDER_RECOVER_AFTER_MS: '1000', HTTP_REQUEST_BUDGET_MS: '800', ORDER_SETTLE_TIMEOUT_MS: '500' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/ORDER_RECOVER_AFTER_MS \(1000\) must be at least HTTP_REQUEST_BUDGET_MS \+ ORDER_SETTLE_TIMEOUT_MS \(800 \+ 500\)/);
  });

  it('when recovery waits exactly the request budget plus the settle budget, then it loads', () => {
    const { config } = loadConfig({ ORDER_RECOVER_AFTER_MS: '1300', HTTP_REQUEST_BUDGET_MS: '800', ORDER_SETTLE_TIMEOUT_MS: '500' });

    expect(config.orders).toMatchObject({ recoverAfterMs: 1300, settleTimeoutMs: 500 });
  });

  it('when a value has the wrong format, then loading fails naming the variable', () => {
    expect(() => loadConfig({ HTTP_REQUEST_BUDGET_MS: 'soon' })).toThrow(/HTTP_REQUEST_BUDGET_MS/);
  });

  it('when a secret comes from a _FILE variable, then its content is the value and describe masks it', () => {
    const file = join(folder, 'password');
    writeFileSync(file, 'from-a-file\n');

    const loaded = loadConfig({ ADMIN_BOOTSTRAP_EMAIL: 'root@example.test', ADMIN_BOOTSTRAP_PASSWORD_FILE: file });

    expect(loaded.config.auth.bootstrapAdminPassword).toBe('from-a-file');
    expect(loaded.describe()).not.toContain('from-a-file');
  });

  it('when both a variable and its _FILE are set, then loading fails', () => {
    expect(() => loadConfig({ ADMIN_BOOTSTRAP_PASSWORD: 'x', ADMIN_BOOTSTRAP_PASSWORD_FILE: '/nowhere' })).toThrow(/choose one/);
  });
});

describe('loadConfig sizing from the container', () => {
  const limits = { cgroup: 'v2' as const, memoryBytes: 1024 * 1024 * 1024, cpus: 1 };

  it('when the container is limited and nothing is set, then the concurrency settings follow the limits and the report says why', () => {
    const { config } = loadConfig({}, { limits });

    expect(config.auth.hashConcurrency).toBe(1);
    expect(config.database.poolMax).toBe(4);
    expect(config.payment.maxConcurrent).toBe(16);
    expect(config.sizing?.memory_limit_bytes).toBe(1024 * 1024 * 1024);
    expect(config.sizing?.choices.find((choice) => choice.setting === 'DB_POOL_MAX')?.why).toMatch(/4 connections per CPU/);
  });

  it('when a sized setting is set in the environment, then it wins', () => {
    const { config } = loadConfig({ DB_POOL_MAX: '7', PASSWORD_HASH_CONCURRENCY: '3' }, { limits });

    expect(config.database.poolMax).toBe(7);
    expect(config.auth.hashConcurrency).toBe(3);
    expect(config.auth.hashQueue).toBe(192);
  });
});
