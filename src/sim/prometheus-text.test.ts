import { describe, expect, it } from 'vitest';
import { createCounter, createGauge, createHistogram } from './prometheus-text.js';

describe('Prometheus text exposition', () => {
  it('renders counters, gauges and histograms as prometheus_client does', () => {
    const out: string[] = [];
    const c = createCounter('x:requests_total', 'Requests.', { model_name: 'm' });
    c.inc();
    c.inc(2, { reason: 'a"b' });
    c.render(out);
    createGauge('x:running', 'Running.', () => [[{ engine: '0' }, 1.5]]).render(out);
    const h = createHistogram('x:latency_seconds', 'Latency.', [0.1, 1]);
    for (const v of [0.05, 0.5, 0.7, 3]) h.observe(v);
    h.render(out);
    expect(out).toEqual([
      '# HELP x:requests_total Requests.',
      '# TYPE x:requests_total counter',
      'x:requests_total{model_name="m"} 1.0',
      'x:requests_total{model_name="m",reason="a\\"b"} 2.0',
      '# HELP x:running Running.',
      '# TYPE x:running gauge',
      'x:running{engine="0"} 1.5',
      '# HELP x:latency_seconds Latency.',
      '# TYPE x:latency_seconds histogram',
      'x:latency_seconds_bucket{le="0.1"} 1.0',
      'x:latency_seconds_bucket{le="1.0"} 3.0',
      'x:latency_seconds_bucket{le="+Inf"} 4.0',
      'x:latency_seconds_sum 4.25',
      'x:latency_seconds_count 4.0',
    ]);
    expect(h.snapshot()).toEqual({ count: 4, sum: 4.25 });
  });
});
