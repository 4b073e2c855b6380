import { describe, expect, it } from 'vitest';
import { UsageError } from './arguments.ts';
import { parseBenchArgs } from './options.ts';

const KNOWN = { scenarios: ['product-read', 'order-place'], curves: ['order-lines'] };

describe('bench command line', () => {
  it('when no flags are given, then the full run is described', () => {
    expect(parseBenchArgs([], KNOWN)).toEqual({
      help: false,
      options: {
        quick: false, warmupSeconds: 10, durationSeconds: 20, connections: 64, users: 10_000, products: 1_000,
        usersMax: 1_000_000, productsMax: 100_000, repeat: 1, curves: true, profiles: true, skipGrpc: false, skipEvents: false, note: undefined, only: undefined,
      },
    });
  });

  it('when --quick is given, then durations shrink but data and connections stay', () => {
    expect(parseBenchArgs(['--quick'], KNOWN)).toMatchObject({
      options: { quick: true, warmupSeconds: 1, durationSeconds: 4, connections: 64, users: 10_000, products: 1_000, usersMax: 1_000_000, productsMax: 100_000 },
    });
  });

  it('when flags override the defaults, then they win, underscores allowed', () => {
    expect(parseBenchArgs(['--quick', '--duration', '30', '--warmup', '0', '--users', '200_000', '--note', ' busy machine ', '--repeat', '3', '--skip-curves'], KNOWN)).toMatchObject({
      options: { quick: true, durationSeconds: 30, warmupSeconds: 0, users: 200_000, usersMax: 1_000_000, note: 'busy machine', repeat: 3, curves: false, profiles: true },
    });
  });

  it('when --skip-grpc and --skip-events are given, then the gRPC and event measurements are off', () => {
    expect(parseBenchArgs(['--quick', '--skip-grpc', '--skip-events'], KNOWN)).toMatchObject({ options: { skipGrpc: true, skipEvents: true } });
  });

  it('when --only names scenarios and curves, then only they are run', () => {
    expect(parseBenchArgs(['--quick', '--only', 'product-read, order-lines'], KNOWN)).toMatchObject({ options: { only: ['product-read', 'order-lines'] } });
  });

  it('when --only names an unknown one, then it is a usage error naming the known ones', () => {
    expect(() => parseBenchArgs(['--only', 'product-read,nope'], KNOWN)).toThrow(/--only takes scenario or curve names \(product-read, order-place, order-lines\), got "product-read,nope"/);
  });

  it.each([
    [['--repeat', '0']],
    [['--users-max', '50']],
    [['--bogus']],
    [['positional']],
  ])('when the command line is %j, then it is a usage error', (args) => {
    expect(() => parseBenchArgs(args, KNOWN)).toThrow(UsageError);
  });

  it('when --help is given, then help is asked for', () => {
    expect(parseBenchArgs(['--help'], KNOWN)).toEqual({ help: true });
  });
});
