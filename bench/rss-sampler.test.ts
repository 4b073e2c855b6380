import { describe, expect, it } from 'vitest';
import { parseCpuSeconds, parseVmRss } from './rss-sampler.ts';

describe('RSS from /proc/<pid>/status', () => {
  it('when VmRSS is present, then it is read in bytes', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   81234 kB\nThreads:\t11\n')).toBe(81_234 * 1024);
  });

  it('when VmRSS is absent (a zombie), then there is no value', () => {
    expect(parseVmRss('Name:\tnode\nState:\tZ (zombie)\n')).toBeNull();
  });
});

describe('CPU time from /proc/<pid>/stat', () => {
  it('when the command name holds spaces and parentheses, then user + system ticks are read after it', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 2077 0 0 0 350 150 0 0 20 0 11 0 123 456 789';
    expect(parseCpuSeconds(stat)).toBe(5);
  });

  it('when the fields are missing, then there is no value', () => {
    expect(parseCpuSeconds('4242 (node) Z')).toBeNull();
  });
});
