import { describe, expect, it } from 'vitest';
import { parseVmRss } from './rss-sampler.ts';

describe('RSS from /proc/<pid>/status', () => {
  it('when VmRSS is present, then it is read in bytes', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   81234 kB\nThreads:\t11\n')).toBe(81_234 * 1024);
  });

  it('when VmRSS is absent (a zombie), then there is no value', () => {
    expect(parseVmRss('Name:\tnode\nState:\tZ (zombie)\n')).toBeNull();
  });
});
