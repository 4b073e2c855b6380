import { describe, expect, it } from 'vitest';
import { parseExposition } from './prometheus-text.ts';

const histogram = (infBucket: number) => `# HELP h_seconds Durations.
# TYPE h_seconds histogram
h_seconds_bucket{le="0.1",route="/a"} 1
h_seconds_bucket{le="+Inf",route="/a"} ${infBucket}
h_seconds_sum{route="/a"} 0.3
h_seconds_count{route="/a"} 2
h_seconds_bucket{le="0.1",route="/b"} 0
h_seconds_bucket{le="+Inf",route="/b"} 1
h_seconds_sum{route="/b"} 2
h_seconds_count{route="/b"} 1
`;

describe('parseExposition (the test helper reading /metrics)', () => {
  it('when a histogram has several label sets, then each keeps its own count and sum', () => {
    const page = parseExposition(histogram(2));

    expect(page.sum('h_seconds_count', { route: '/a' })).toBe(2);
    expect(page.sum('h_seconds_sum', { route: '/b' })).toBe(2);
    expect(page.families.get('h_seconds')?.type).toBe('histogram');
  });

  it.each([
    ['a malformed sample line', '# TYPE x counter\nx{a="b" 1\n'],
    ['a value that is not a number', '# TYPE x counter\nx abc\n'],
    ['a sample of no declared family', '# TYPE x counter\ny 1\n'],
    ['a series given twice', '# TYPE x counter\nx{a="1"} 1\nx{a="2"} 1\nx{a="1"} 2\n'],
    ['a +Inf bucket that differs from the count', histogram(3)],
  ])('when the text has %s, then it is rejected', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
