import { describe, expect, it } from 'vitest';
import { CachedReading } from './cached-reading.ts';

function source() {
  let reads = 0;
  let fail = false;
  const pending: (() => void)[] = [];
  let hold = false;
  const read = async () => {
    reads += 1;
    const n = reads;
    if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    if (fail) throw new Error(`read ${n} failed`);
    return n;
  };
  return {
    read,
    reads: () => reads,
    failing: (value: boolean) => (fail = value),
    holding: (value: boolean) => (hold = value),
    release: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

describe('CachedReading', () => {
  it('when read again within the max age, then the first reading is reused; after it, the source is read again', async () => {
    const s = source();
    let now = 0;
    const reading = new CachedReading(s.read, 5_000, () => now);

    expect(await reading.get()).toBe(1);
    now = 4_999;
    expect(await reading.get()).toBe(1);
    now = 10_000;
    expect(await reading.get()).toBe(2);
    expect(s.reads()).toBe(2);
  });

  it('when many callers ask while a read is under way, then they share that one read, however long it takes', async () => {
    const s = source();
    let now = 0;
    const reading = new CachedReading(s.read, 1_000, () => now);
    s.holding(true);

    const first = reading.get();
    now = 60_000;
    const second = reading.get();
    s.release();

    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(s.reads()).toBe(1);
  });

  it('when the read fails, then the failure is shared until the max age passes, and the next read can succeed', async () => {
    const s = source();
    let now = 0;
    const reading = new CachedReading(s.read, 1_000, () => now);
    s.failing(true);

    await expect(reading.get()).rejects.toThrow('read 1 failed');
    await expect(reading.get()).rejects.toThrow('read 1 failed');
    s.failing(false);
    now = 1_000;

    expect(await reading.get()).toBe(2);
  });

  it('when the read throws before returning a promise, then get rejects instead of throwing', async () => {
    const reading = new CachedReading<number>(() => {
      throw new Error('no connection');
    }, 1_000);

    await expect(reading.get()).rejects.toThrow('no connection');
  });
});
