import { describe, expect, it } from 'vitest';
import { seriesOf } from './promql-selectors.ts';

describe('PromQL selectors', () => {
  it('when an expression aggregates a rate of a histogram, then the bucket series and the grouping labels are read', () => {
    const { selectors, groupingLabels } = seriesOf('histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{job=~"$job", status_class!="5xx"}[$__rate_interval])))');

    expect(selectors).toEqual([
      { metric: 'http_server_request_duration_seconds_bucket', matchers: [{ label: 'job', op: '=~', value: '$job' }, { label: 'status_class', op: '!=', value: '5xx' }] },
    ]);
    expect(groupingLabels).toEqual(['le', 'route']);
  });

  it('when an expression divides two series with a comparison and keywords, then only the metric names are selectors', () => {
    const { selectors } = seriesOf('sum(rate(a_total[5m])) / sum(rate(b_total{x="1"}[5m] offset 1h)) > bool 0.5 and on (pod) up unless max by (pod) (c) == 1');

    expect(selectors.map((selector) => selector.metric)).toEqual(['a_total', 'b_total', 'up', 'c']);
  });

  it('when a selector names the metric in its braces, then it is read', () => {
    expect(seriesOf('{__name__="x_total", a="b"}').selectors).toEqual([{ metric: 'x_total', matchers: [{ label: 'a', op: '=', value: 'b' }] }]);
  });

  it('when a recording rule name with colons is used, then it is a selector', () => {
    expect(seriesOf('1 - slo:http_errors:ratio_rate30d').selectors.map((selector) => selector.metric)).toEqual(['slo:http_errors:ratio_rate30d']);
  });
});
