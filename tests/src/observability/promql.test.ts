import { metricNames, parseExposition } from './promql';

describe('metricNames', () => {
  it('finds the metrics of an expression, not functions, labels, keywords or durations', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, role) (rate(rstar_x_seconds_bucket{role="policy"}[5m])))' +
      ' / on() group_left sum(vllm:num_requests_running) and on() absent(up{job=~".*w.*"} == 0)';
    expect([...metricNames(expr)].sort()).toEqual([
      'rstar_x_seconds_bucket',
      'up',
      'vllm:num_requests_running',
    ]);
  });
});

describe('parseExposition', () => {
  it('groups samples under their family with labels', () => {
    const families = parseExposition(
      [
        '# HELP rstar_a_seconds A.',
        '# TYPE rstar_a_seconds histogram',
        'rstar_a_seconds_bucket{le="1",service="w"} 2',
        'rstar_a_seconds_count{service="w"} 2',
        '# TYPE rstar_b_total counter',
        'rstar_b_total 3',
      ].join('\n'),
    );
    expect(families.get('rstar_a_seconds')?.samples).toHaveLength(2);
    expect(families.get('rstar_a_seconds')?.samples[0]?.labels).toEqual({ le: '1', service: 'w' });
    expect(families.get('rstar_b_total')).toMatchObject({ type: 'counter' });
  });
});
