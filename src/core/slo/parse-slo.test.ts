import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { parseSlo } from './parse-slo.js';

function problemsOf(raw: string, flag?: string): { field: string; message: string }[] {
  try {
    parseSlo(raw, flag);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`parseSlo(${JSON.stringify(raw)}) did not throw`);
}

describe('parseSlo', () => {
  it('reads per-request limits', () => {
    expect(parseSlo('ttft_ms=500,tpot_ms=50,itl_ms=200,latency_ms=20000')).toEqual({
      perRequest: { ttft: 500, tpot: 50, itl: 200, latency: 20000 },
      percentiles: [],
    });
  });

  it('reads percentile objectives, fractional percentiles and limits included, in the order given', () => {
    expect(parseSlo('ttft_p99_ms=800, latency_p50_ms=4000 ,tpot_p99.9_ms=62.5')).toEqual({
      perRequest: {},
      percentiles: [
        { metric: 'ttft', p: 99, limitMs: 800 },
        { metric: 'latency', p: 50, limitMs: 4000 },
        { metric: 'tpot', p: 99.9, limitMs: 62.5 },
      ],
    });
  });

  it('mixes both kinds, and takes names in any case', () => {
    expect(parseSlo('TTFT_MS=300,itl_p90_ms=40')).toEqual({ perRequest: { ttft: 300 }, percentiles: [{ metric: 'itl', p: 90, limitMs: 40 }] });
  });

  it('reports every problem at once, each naming the flag and the bad part', () => {
    const problems = problemsOf('ttft_ms=abc,foo_ms=1,ttft_p100_ms=5,,tpot_ms=0,ttft_ms=5,latency=9,ttft_ms=6,itl_ms', '--sweep-slo');
    expect(problems.every((p) => p.field === '--sweep-slo')).toBe(true);
    const text = problems.map((p) => p.message);
    expect(text).toEqual([
      expect.stringContaining('"ttft_ms=abc": the limit must be a number of milliseconds greater than 0, not "abc"'),
      expect.stringContaining('unknown metric "foo"'),
      expect.stringContaining('"ttft_p100_ms": the percentile must be above 0 and below 100, not 100'),
      'part 4 is empty (a stray comma?)',
      expect.stringContaining('"tpot_ms=0": the limit must be a number'),
      expect.stringContaining('"latency": unknown objective (limits are in milliseconds: the name ends in _ms)'),
      '"ttft_ms" is given twice',
      expect.stringContaining('"itl_ms" is not name=limit_ms'),
    ]);
    // An unknown name lists what is valid.
    expect(text[1]).toContain('valid metrics: ttft, tpot, itl, latency');
    expect(text[1]).toContain('ttft_ms, tpot_ms, itl_ms, latency_ms');
  });

  it('rejects limits that are not plain positive numbers', () => {
    for (const value of ['-5', '1e3', 'Infinity', '0x10', '', '5ms', 'NaN']) {
      expect(problemsOf(`ttft_ms=${value}`), value).toHaveLength(1);
    }
  });

  it('says what vLLM calls e2el is latency here', () => {
    expect(problemsOf('e2el_ms=1000')[0]?.message).toContain('end-to-end latency is "latency" here');
  });

  it('rejects an empty objective, with the names it would take', () => {
    const [p] = problemsOf('  ');
    expect(p?.field).toBe('--slo');
    expect(p?.message).toContain('is empty');
    expect(p?.message).toContain('ttft_p99_ms');
  });

  it('treats p99 and p099 as the same objective', () => {
    expect(problemsOf('ttft_p99_ms=1,ttft_p099_ms=2').map((p) => p.message)).toEqual(['"ttft_p99_ms" is given twice']);
  });
});
