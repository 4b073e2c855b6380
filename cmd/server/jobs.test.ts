import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { batchSizeByQueue, concurrencyByQueue } from './jobs.ts';

function configWith(jobs: Partial<AppConfig['jobs']>): AppConfig {
  return { jobs: { enabled: true, concurrency: 2, queueConcurrency: '', batchSize: 1, queueBatchSize: '', maxHeldJobs: 32, ...jobs } } as AppConfig;
}

describe('job worker concurrency', () => {
  it('when a queue has its own cap, then it gets it and the others the default', () => {
    expect(concurrencyByQueue(configWith({ queueConcurrency: ' order-confirmation=4 ' }))).toEqual(new Map([['order-confirmation', 4]]));
  });

  it.each([
    { setting: 'order-confirmation', error: /is not queue=n/ },
    { setting: 'order-confirmation=0', error: /is not queue=n/ },
    { setting: 'no-such-queue=2', error: /there is no queue no-such-queue/ },
  ])('when the per-queue setting is "$setting", then the service refuses to start', ({ setting, error }) => {
    expect(() => concurrencyByQueue(configWith({ queueConcurrency: setting }))).toThrow(error);
  });

  it('when the workers could hold more jobs than JOBS_MAX_HELD, then the service refuses to start unless workers are off', () => {
    expect(() => concurrencyByQueue(configWith({ concurrency: 4, batchSize: 5, maxHeldJobs: 10 }))).toThrow(/hold up to 40 jobs/); // 4 workers × 5 jobs × 2 queues
    expect(() => concurrencyByQueue(configWith({ enabled: false, concurrency: 4, batchSize: 5, maxHeldJobs: 10 }))).not.toThrow();
  });

  it('when a queue has its own batch size, then it gets it, and what the workers may hold counts it', () => {
    expect(batchSizeByQueue(configWith({ queueBatchSize: 'order-confirmation=8' }))).toEqual(new Map([['order-confirmation', 8]]));
    // 2 workers × 8 confirmations + 2 workers × 1 recovery.
    expect(() => concurrencyByQueue(configWith({ queueBatchSize: 'order-confirmation=8', maxHeldJobs: 17 }))).toThrow(/hold up to 18 jobs/);
    expect(() => concurrencyByQueue(configWith({ queueBatchSize: 'order-confirmation=8', maxHeldJobs: 18 }))).not.toThrow();
    expect(() => batchSizeByQueue(configWith({ queueBatchSize: 'no-such-queue=2' }))).toThrow(/JOBS_QUEUE_BATCH_SIZE: there is no queue no-such-queue/);
  });
});
