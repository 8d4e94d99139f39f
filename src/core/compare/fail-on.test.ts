import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { familyConfidence, parseFailOn } from './fail-on.js';

function problems(spec: string): string[] {
  try {
    parseFailOn(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error(`"${spec}" was accepted`);
}

describe('parseFailOn', () => {
  it("reads the issue's example, signs and units included", () => {
    expect(parseFailOn('ttft_p99=+10%,tpot_p50=+5%,output_throughput=-5%,error_rate=+1pp')).toEqual([
      { metric: 'ttft_p99', amount: 10, unit: '%', spec: 'ttft_p99=+10%' },
      { metric: 'tpot_p50', amount: 5, unit: '%', spec: 'tpot_p50=+5%' },
      { metric: 'output_throughput', amount: 5, unit: '%', spec: 'output_throughput=-5%' },
      { metric: 'error_rate', amount: 1, unit: 'pp', spec: 'error_rate=+1pp' },
    ]);
    expect(parseFailOn(' latency_p50=20ms , ttft_mean=0.5% ')).toEqual([
      { metric: 'latency_p50', amount: 20, unit: 'ms', spec: 'latency_p50=20ms' },
      { metric: 'ttft_mean', amount: 0.5, unit: '%', spec: 'ttft_mean=0.5%' },
    ]);
  });

  it('rejects every bad item at once, naming --fail-on, the item and the accepted metrics', () => {
    const p = problems('ttft_p95=+10%,tpot_p50=10,output_throughput=+5%,ttft_p50=+2pp,,error_rate=+1ms,tpot_p50=+1%,tpot_p50=+2%');
    expect(p).toHaveLength(7);
    expect(p.every((m) => m.startsWith('--fail-on: '))).toBe(true);
    expect(p[0]).toContain('"ttft_p95=+10%": unknown metric "ttft_p95"; metrics: ttft_p50, ttft_p90, ttft_p99');
    expect(p[0]).toContain('error_rate');
    expect(p[1]).toContain('"tpot_p50=10": expected METRIC=[+|-]NUMBER followed by %, pp or ms');
    expect(p[2]).toContain('output_throughput gets worse when it falls: write output_throughput=-5%');
    expect(p[3]).toContain('pp (percentage points) is for error_rate only');
    expect(p[4]).toContain('an empty item');
    expect(p[5]).toContain('error_rate is not in ms; use % or pp');
    expect(p[6]).toContain('tpot_p50 is given more than once');
    expect(problems('')).toHaveLength(1);
    expect(problems('ttft_p50=-5%')[0]).toContain('write ttft_p50=+5%');
  });

  it('splits the false-alarm budget over the checks (Bonferroni)', () => {
    expect(familyConfidence(0.95, 1)).toBeCloseTo(0.95, 12);
    expect(familyConfidence(0.95, 5)).toBeCloseTo(0.99, 12);
    expect(familyConfidence(0.9, 0)).toBeCloseTo(0.9, 12);
  });
});
