import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const never = new AbortController().signal;

describe('SingleFlight', () => {
  it('when callers ask for one key while its work runs, then the work runs once and all get its result', async () => {
    const flights = new SingleFlight<string, number>();
    const gate = deferred<number>();
    let runs = 0;
    const work = () => {
      runs += 1;
      return gate.promise;
    };

    const results = Promise.all(Array.from({ length: 50 }, () => flights.run('k', never, work)));
    gate.resolve(7);

    expect(await results).toEqual(Array.from({ length: 50 }, () => 7));
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('when the work fails, then every caller gets the error and the key is free again', async () => {
    const flights = new SingleFlight<string, number>();
    const failure = new Error('database down');

    const calls = [flights.run('k', never, () => Promise.reject(failure)), flights.run('k', never, () => Promise.resolve(1))];

    await expect(calls[0]).rejects.toBe(failure);
    await expect(calls[1]).rejects.toBe(failure);
    expect(flights.size).toBe(0);
    expect(await flights.run('k', never, () => Promise.resolve(2))).toBe(2);
  });

  it('when one caller aborts, then it leaves at once and the others still get the result', async () => {
    const flights = new SingleFlight<string, string>();
    const gate = deferred<string>();
    let workSignal: AbortSignal | undefined;
    const leaving = new AbortController();

    const first = flights.run('k', leaving.signal, (signal) => {
      workSignal = signal;
      return gate.promise;
    });
    const second = flights.run('k', never, () => Promise.resolve('other'));
    leaving.abort(new Error('client went away'));
    gate.resolve('value');

    await expect(first).rejects.toThrow('client went away');
    expect(await second).toBe('value');
    expect(workSignal?.aborted).toBe(false);
  });

  it('when every caller aborts, then the work is aborted and a new caller starts new work', async () => {
    const flights = new SingleFlight<string, string>();
    const callers = [new AbortController(), new AbortController()];
    let workSignal: AbortSignal | undefined;
    const pending = deferred<string>();

    const calls = callers.map((caller) =>
      flights.run('k', caller.signal, (signal) => {
        workSignal = signal;
        return pending.promise;
      }),
    );
    for (const caller of callers) caller.abort(new Error('gone'));

    await Promise.allSettled(calls);
    expect(workSignal?.aborted).toBe(true);
    expect(flights.size).toBe(0);
    expect(await flights.run('k', never, () => Promise.resolve('fresh'))).toBe('fresh');
    pending.resolve('late');
  });

  it('when a key is forgotten while its work runs, then later callers start new work and earlier ones keep theirs', async () => {
    const flights = new SingleFlight<string, string>();
    const old = deferred<string>();

    const early = flights.run('k', never, () => old.promise);
    flights.forget('k');
    const late = flights.run('k', never, () => Promise.resolve('new'));
    old.resolve('old');

    expect(await early).toBe('old');
    expect(await late).toBe('new');
    expect(flights.size).toBe(0);
  });

  it('when the caller is already aborted, then the work does not start', async () => {
    const flights = new SingleFlight<string, string>();
    let runs = 0;

    const call = flights.run('k', AbortSignal.abort(new Error('too late')), () => {
      runs += 1;
      return Promise.resolve('x');
    });

    await expect(call).rejects.toThrow('too late');
    expect(runs).toBe(0);
  });
});
