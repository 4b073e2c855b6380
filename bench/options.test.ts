import { describe, expect, it } from 'vitest';
import { UsageError } from './arguments.ts';
import { parseBenchArgs } from './options.ts';

describe('bench command line', () => {
  it('when no flags are given, then the full run is described', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      options: { quick: false, warmupSeconds: 10, durationSeconds: 20, connections: 64, users: 100_000, products: 10_000, note: undefined, only: undefined },
    });
  });

  it('when --quick is given, then data and durations shrink but connections stay', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      options: { quick: true, warmupSeconds: 1, durationSeconds: 4, connections: 64, users: 10_000, products: 1_000 },
    });
  });

  it('when flags override the defaults, then they win, underscores allowed', () => {
    expect(parseBenchArgs(['--quick', '--duration', '30', '--warmup', '0', '--users', '200_000', '--note', ' busy machine '])).toMatchObject({
      options: { quick: true, durationSeconds: 30, warmupSeconds: 0, users: 200_000, note: 'busy machine' },
    });
  });

  it('when --only names scenarios, then only they are run', () => {
    expect(parseBenchArgs(['--quick', '--only', 'product-read, order-place'])).toMatchObject({ options: { only: ['product-read', 'order-place'] } });
  });

  it('when --only names an unknown scenario, then it is a usage error naming the known ones', () => {
    expect(() => parseBenchArgs(['--only', 'product-read,nope'])).toThrow(/--only takes scenario names \(product-read, .*\), got "product-read,nope"/);
  });

  it('when --help is given, then help is asked for', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [['--duration', '0'], '--duration must be a whole number from 1 to 3600, got "0"'],
    [['--connections', 'many'], '--connections must be a whole number from 1 to 10000, got "many"'],
    [['--users', '1.5'], '--users must be a whole number'],
    [['--fast'], "Unknown option '--fast'"],
    [['extra'], 'extra'],
  ])('when the command line is %j, then it is refused with a usage error', (args, message) => {
    expect(() => parseBenchArgs(args)).toThrow(UsageError);
    expect(() => parseBenchArgs(args)).toThrow(message);
  });
});
