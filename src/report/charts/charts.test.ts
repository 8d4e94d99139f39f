import { describe, expect, it } from 'vitest';
import { record } from '../../../test/helpers/record-fixture.js';
import { syntheticRecords, syntheticResult, syntheticRun } from '../../../test/helpers/synthetic-run.js';
import { paretoFrontier } from '../plots/pareto-frontier.js';
import { savedRunFromRecords } from '../saved-run.js';
import { STATIC_OPTIONS, type ChartLayer, type ChartParts } from './chart.js';
import { CHARTS } from './index.js';
import { interactiveSpec } from './interactive.js';

/** The inline data rows of a chart's layers, by layer index. */
function rows(parts: ChartParts, i: number): Record<string, unknown>[] {
  const layer = parts.layer[i] as ChartLayer & { data?: { values?: Record<string, unknown>[] } };
  return layer.data?.values ?? [];
}

describe('throughput vs latency', () => {
  const run = syntheticRun({ n: 200, failEvery: 20 });
  const parts = CHARTS.throughputLatency.build(run, STATIC_OPTIONS);

  it('draws every successful request, the Pareto frontier of exactly those, and the ideal corner', () => {
    const ok = run.requests.filter((r) => r.ok);
    expect(rows(parts, 0)).toHaveLength(ok.length);
    const frontier = paretoFrontier(ok, (r) => r.latencyMs, (r) => r.outputTps ?? NaN);
    expect(rows(parts, 1).map((d) => d.seq)).toEqual(frontier.map((r) => r.seq));
    const [ideal] = rows(parts, 2);
    expect(ideal?.latencyS).toBe(Math.min(...ok.map((r) => r.latencyMs)) / 1000);
    expect(ideal?.tps).toBe(Math.max(...ok.map((r) => r.outputTps ?? 0)));
    expect(parts.notes).toContain('10 failed requests not shown (they have no throughput)');
  });

  it('samples past the point limit, keeps every frontier point, and says so', () => {
    const big = syntheticRun({ n: 1200 });
    const p = CHARTS.throughputLatency.build(big, { ...STATIC_OPTIONS, maxPoints: 300 });
    const drawn = new Set(rows(p, 0).map((d) => d.seq));
    expect(drawn.size).toBeLessThanOrEqual(300);
    for (const f of rows(p, 1)) expect(drawn.has(f.seq)).toBe(true);
    expect(p.notes.join(' ')).toMatch(/^drawn: \d+ of 1,200 requests \(every \d+(st|nd|rd|th), plus every frontier point\)$/);
  });
});

describe('TTFT distribution', () => {
  it('marks p50 / p90 / p99 with their values in the legend, computed as the summary computes them', () => {
    // TTFTs of 1..100 ms: p50 50.5, p90 90.1, p99 99.01 (linear interpolation between order statistics).
    const records = Array.from({ length: 100 }, (_, i) => record({ seq: i, contentTimesMs: [110 + i + 1, 300], endAtMs: 301 }));
    const run = savedRunFromRecords(syntheticResult(records, { n: 100 }), records);
    const parts = CHARTS.ttft.build(run, STATIC_OPTIONS);
    expect(rows(parts, 1).map((d) => d.value as number)).toEqual([50.5, expect.closeTo(90.1, 9), expect.closeTo(99.01, 9)]);
    expect(rows(parts, 1).map((d) => d.series)).toEqual(['p50 50.5 ms', 'p90 90.1 ms', 'p99 99.0 ms']);
    expect(rows(parts, 0).reduce((a, b) => a + (b.count as number), 0)).toBe(100);
  });

  it('cuts a tail far beyond the p99 and counts what it left out', () => {
    const ttfts = [...Array.from({ length: 99 }, (_, i) => 10 + (i % 5)), 30_000];
    const records = ttfts.map((t, i) => record({ seq: i, contentTimesMs: [110 + t, 110 + t + 10], endAtMs: 110 + t + 11 }));
    const run = savedRunFromRecords(syntheticResult(records, { n: 100 }), records);
    const parts = CHARTS.ttft.build(run, STATIC_OPTIONS);
    expect(parts.notes.join(' ')).toMatch(/^1 above [\d,.]+ ms not drawn \(1\.5 × p99; max 30,000 ms\)$/);
    expect(rows(parts, 0).reduce((a, b) => a + (b.count as number), 0)).toBe(99);
  });
});

describe('rugs (arrivals on the timeline, failures on tokens per second)', () => {
  it('draw one tick per event while few, and a strip shaded by density when many', () => {
    const few = CHARTS.tokensPerSec.build(syntheticRun({ n: 100, failEvery: 10 }), STATIC_OPTIONS);
    expect(few.layer[0]).toMatchObject({ mark: { type: 'tick' } });
    expect(rows(few, 0)).toHaveLength(10);

    const many = syntheticRun({ n: 1000, failEvery: 2 });
    const dense = CHARTS.tokensPerSec.build(many, STATIC_OPTIONS);
    expect(dense.layer[0]).toMatchObject({ mark: { type: 'rect' } });
    // 500 failures in at most 300 intervals, none lost.
    expect(rows(dense, 0).length).toBeLessThanOrEqual(300);
    expect(rows(dense, 0).reduce((a, b) => a + (b.count as number), 0)).toBe(500);
    const timeline = CHARTS.timeline.build(many, STATIC_OPTIONS);
    expect(timeline.notes).toContain('strip along the foot of the plot: when requests were due (scheduled arrivals), darker where more fell');
  });
});

describe('requests in flight', () => {
  it('draws the concurrency cap when it is within reach, and names it otherwise', () => {
    const records = syntheticRecords({ n: 50 });
    const near = savedRunFromRecords(syntheticResult(records, { n: 50, maxConcurrency: 4 }), records);
    expect(CHARTS.inFlight.build(near, STATIC_OPTIONS).layer).toHaveLength(2);
    const far = savedRunFromRecords(syntheticResult(records, { n: 50, maxConcurrency: 10_000 }), records);
    const parts = CHARTS.inFlight.build(far, STATIC_OPTIONS);
    expect(parts.layer).toHaveLength(1);
    expect(parts.notes[0]).toMatch(/^concurrency cap 10,000, far above the peak: not drawn$/);
  });
});

describe('request rate', () => {
  it('has no asked-rate line for rate inf, and says why', () => {
    const parts = CHARTS.requestRate.build(syntheticRun({ n: 20, ratePerSec: Infinity }), STATIC_OPTIONS);
    expect(parts.layer).toHaveLength(2);
    expect(parts.notes).toContain('rate inf: every request was due at once, so there is no asked rate to draw');
  });
});

describe('interactive versions (HTML report)', () => {
  it('carry tooltips with request details, zoom, and a legend that toggles series', () => {
    const spec = JSON.stringify(interactiveSpec(syntheticRun({ n: 30 }), 'throughputLatency'));
    expect(spec).toContain('"title":"request #"');
    expect(spec).toContain('"bind":"scales"');
    expect(spec).toContain('"bind":"legend"');
    expect(spec).toContain('"param":"legend_pick"');
  });
});
