import { describe, expect, it } from 'vitest';
import { UsageError } from './arguments.ts';
import { parseSoakArgs } from './soak-options.ts';

const options = (args: string[]) => {
  const parsed = parseSoakArgs(args, '/out');
  if (parsed.help) throw new Error('help');
  return parsed.options;
};

describe('parseSoakArgs', () => {
  it('when nothing is given, then it runs 10 minutes with a 2-minute warm-up and a 10% bound', () => {
    expect(options([])).toMatchObject({ durationSeconds: 600, warmupSeconds: 120, intervalSeconds: 5, maxGrowthPercent: 10, outDir: '/out', connections: 16, rate: 300 });
  });

  it('when --seconds is given, then it wins over --minutes and the warm-up is a fifth', () => {
    expect(options(['--minutes', '3', '--seconds', '90'])).toMatchObject({ durationSeconds: 90, warmupSeconds: 18 });
  });

  it.each([
    [['--seconds', '5']],
    [['--minutes', '0']],
    [['--seconds', '60', '--warmup', '55']],
    [['--max-growth', '0']],
    [['--rate', 'fast']],
    [['--bogus']],
  ])('when the command line is %j, then it is a usage error', (args) => {
    expect(() => parseSoakArgs(args, '/out')).toThrow(UsageError);
  });
});
