import { describe, expect, it } from 'vitest';
import { renderCurveSvg } from './curve-svg.ts';

describe('a curve plot', () => {
  const plot = {
    title: 'order placement by lines <per order>',
    xLabel: 'lines per order',
    points: [
      { x: 1, y: 2_000 },
      { x: 5, y: 3_000 },
      { x: 50, y: Number.NaN },
    ],
    verdict: { flagged: true, reason: 'grows faster than the work' },
  };

  it('when rendered, then it is one SVG with a point and a value label per measured point', () => {
    const svg = renderCurveSvg(plot);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('>2000<');
    expect(svg).toContain('&lt;per order&gt;');
    expect(svg).toContain('#c62828');
  });

  it('when x spans two decades, then the x axis is logarithmic and labels are short', () => {
    const svg = renderCurveSvg({ ...plot, points: [{ x: 10_000, y: 900 }, { x: 1_000_000, y: 950 }], verdict: { flagged: false, reason: 'flat' } });
    expect(svg).toContain('(log scale)');
    expect(svg).toContain('>10k<');
    expect(svg).toContain('>1M<');
  });
});
