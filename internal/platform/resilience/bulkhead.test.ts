import { describe, expect, it } from 'vitest';
import { Bulkhead, BulkheadRejectedError } from './bulkhead.ts';

/** A task that runs until the test lets it finish. */
function gate<T = string>(value?: T) {
  let started = false;
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  const task = async (): Promise<T | undefined> => {
    started = true;
    await done;
    return value;
  };
  return { task, open, fail, started: () => started };
}

/** Lets pending promise callbacks run (no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Bulkhead', () => {
  it('when fewer tasks than slots run, then all run at once', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueue: 0 });
    const [a, b] = [gate('a'), gate('b')];

    const results = [bulkhead.run(a.task), bulkhead.run(b.task)];
    await settle();

    expect(a.started() && b.started()).toBe(true);
    expect(bulkhead.running).toBe(2);
    a.open();
    b.open();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
    expect(bulkhead.running).toBe(0);
  });

  it('when every slot is taken, then new tasks wait and start in arrival order as slots free up', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 2 });
    const [first, second, third] = [gate(1), gate(2), gate(3)];
    const order: number[] = [];
    const run = (g: ReturnType<typeof gate<number>>, n: number) =>
      bulkhead.run(async () => {
        order.push(n);
        return g.task();
      });

    const results = [run(first, 1), run(second, 2), run(third, 3)];
    await settle();
    expect(order).toEqual([1]);
    expect(bulkhead.queued).toBe(2);

    first.open();
    await settle();
    expect(order).toEqual([1, 2]);
    expect(bulkhead.running).toBe(1);
    expect(bulkhead.queued).toBe(1);

    second.open();
    third.open();
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
  });

  it('when the slots and the queue are full, then the next task is rejected at once and never runs', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueue: 1 });
    const busy = [gate(), gate(), gate()];
    const pending = busy.map((g) => bulkhead.run(g.task));
    await settle();
    let ran = false;

    const rejection = bulkhead.run(() => {
      ran = true;
      return Promise.resolve();
    });

    expect(bulkhead.full).toBe(true);
    await expect(rejection).rejects.toBeInstanceOf(BulkheadRejectedError);
    await expect(rejection).rejects.toMatchObject({ running: 2, queued: 1 });
    expect(ran).toBe(false);
    busy.forEach((g) => g.open());
    await Promise.all(pending);
  });

  it('when a queued caller aborts, then it leaves the queue with the signal reason and frees its place', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const holder = gate();
    const held = bulkhead.run(holder.task);
    const controller = new AbortController();
    let ran = false;
    const queued = bulkhead.run(() => {
      ran = true;
      return Promise.resolve();
    }, controller.signal);
    await settle();
    expect(bulkhead.queued).toBe(1);

    controller.abort(new Error('caller went away'));

    await expect(queued).rejects.toThrow('caller went away');
    expect(bulkhead.queued).toBe(0);
    const next = gate('next');
    const nextRun = bulkhead.run(next.task);
    holder.open();
    next.open();
    await held;
    expect(await nextRun).toBe('next');
    expect(ran).toBe(false);
  });

  it('when the signal is already aborted, then the task is rejected without taking a slot', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 0 });

    await expect(bulkhead.run(() => Promise.resolve('x'), AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');

    expect(bulkhead.running).toBe(0);
  });

  it('when a task fails, then its slot is released and the error reaches the caller', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const failing = gate();
    const failed = bulkhead.run(failing.task);
    const after = bulkhead.run(() => Promise.resolve('after'));

    failing.fail(new Error('boom'));

    await expect(failed).rejects.toThrow('boom');
    expect(await after).toBe('after');
    expect(bulkhead.running).toBe(0);
    expect(bulkhead.queued).toBe(0);
  });

  it('when a task started, then aborting its signal does not take its slot away', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 0 });
    const controller = new AbortController();
    const running = gate('done');
    const result = bulkhead.run(running.task, controller.signal);
    await settle();

    controller.abort();

    expect(bulkhead.running).toBe(1);
    running.open();
    expect(await result).toBe('done');
    expect(bulkhead.running).toBe(0);
  });

  it.each([
    [{ maxConcurrent: 0, maxQueue: 1 }],
    [{ maxConcurrent: 1.5, maxQueue: 1 }],
    [{ maxConcurrent: 1, maxQueue: -1 }],
  ])('when built with %o, then it refuses', (options) => {
    expect(() => new Bulkhead(options)).toThrow(RangeError);
  });
});
