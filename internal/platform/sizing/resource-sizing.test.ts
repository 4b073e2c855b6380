import { describe, expect, it } from 'vitest';
import { sizeFromContainer, type SizedSettings } from './resource-sizing.ts';

const MiB = 1024 * 1024;
const defaults: SizedSettings = { hashConcurrency: 2, hashQueue: 64, dbPoolMax: 10, paymentMaxConcurrent: 32, paymentMaxQueued: 64 };
const size = (limits: { memoryBytes?: number; cpus?: number }, explicit: (keyof SizedSettings)[] = [], heapLimitBytes = 150 * MiB, cores = 8) =>
  sizeFromContainer({ limits: { cgroup: 'v2', memoryBytes: limits.memoryBytes, cpus: limits.cpus }, current: defaults, explicit: new Set(explicit), heapLimitBytes, cores });

describe('sizing from the container', () => {
  it('when the container has 384 MiB and half a CPU, then one hash at a time, its queue, a small pool and bulkhead, each with its reason', () => {
    const { settings, report } = size({ memoryBytes: 384 * MiB, cpus: 0.5 });

    expect(settings).toEqual({ hashConcurrency: 1, hashQueue: 64, dbPoolMax: 4, paymentMaxConcurrent: 8, paymentMaxQueued: 16 });
    expect(report.choices.map((choice) => [choice.setting, choice.source])).toEqual([
      ['PASSWORD_HASH_CONCURRENCY', 'container'],
      ['PASSWORD_HASH_QUEUE', 'container'],
      ['DB_POOL_MAX', 'container'],
      ['PAYMENT_MAX_CONCURRENT', 'container'],
      ['PAYMENT_MAX_QUEUED', 'container'],
    ]);
    expect(report.choices[0]?.why).toMatch(/384 MiB memory limit holds 1 argon2id hashes/);
    expect(report.heap.advised_max_old_space_mb).toBe(153);
  });

  it('when the container has 2 GiB and 4 CPUs, then hashes are capped by the CPUs, not the memory', () => {
    const { settings } = size({ memoryBytes: 2048 * MiB, cpus: 4 });

    expect(settings.hashConcurrency).toBe(4);
    expect(settings.hashQueue).toBe(256);
    expect(settings.dbPoolMax).toBe(16);
    expect(settings.paymentMaxConcurrent).toBe(64);
  });

  it('when a setting is set explicitly, then it is kept whatever the limits, and the report says so', () => {
    const { settings, report } = size({ memoryBytes: 384 * MiB, cpus: 0.5 }, ['hashConcurrency', 'dbPoolMax']);

    expect(settings.hashConcurrency).toBe(2);
    expect(settings.dbPoolMax).toBe(10);
    expect(settings.hashQueue).toBe(128);
    expect(report.choices.find((choice) => choice.setting === 'DB_POOL_MAX')).toEqual({ setting: 'DB_POOL_MAX', value: 10, source: 'explicit', why: 'DB_POOL_MAX is set' });
  });

  it('when nothing is limited, then hashes run one at a time and the rest keep their defaults', () => {
    const { settings, report } = size({});

    expect(settings).toEqual({ hashConcurrency: 1, hashQueue: 64, dbPoolMax: 10, paymentMaxConcurrent: 32, paymentMaxQueued: 64 });
    expect(report.choices.every((choice) => choice.source === 'default')).toBe(true);
    expect(report.heap.advice).toBe('no memory limit: V8 chooses its heap limit');
  });

  it('when the heap limit is larger than the memory limit can hold, then the advice says which old space to set', () => {
    const { report } = size({ memoryBytes: 256 * MiB }, [], 2048 * MiB);

    expect(report.heap.advice).toMatch(/kernel would kill the process before V8 collects; run with NODE_OPTIONS=--max-old-space-size=102$/);
  });
});
