import { describe, expect, it } from 'vitest';
import { SLO, sloResult, sweepFixture, typicalSweep } from '../../../test/helpers/sweep-fixture.js';
import { renderChart } from '../render-chart.js';
import { describeSlo } from './describe-slo.js';
import { SWEEP_CHART_KINDS, SWEEP_CHARTS, sweepPlotSpec } from './render-sweep-plots.js';
import { achievedPoints, sweepAchievedChart } from './sweep-achieved-chart.js';
import { SWEEP_INTERACTIVE, SWEEP_STATIC } from './sweep-frame.js';
import { goodputPoints, NO_SLO_MESSAGE, sweepGoodputChart } from './sweep-goodput-chart.js';
import { SERIES, sweepThroughputLatencySpec, throughputLatencyPoints } from './sweep-throughput-latency-chart.js';

/** Every inline data row of a spec (layers nested in layers and concat panels included). */
function dataRows(spec: unknown): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const values = (o.data as { values?: unknown } | undefined)?.values;
      if (Array.isArray(values)) rows.push(...(values as Record<string, unknown>[]));
      for (const k of ['layer', 'concat']) if (k in o) walk(o[k]);
    }
  };
  walk(spec);
  return rows;
}

describe('throughput against latency across levels', () => {
  const sweep = typicalSweep();

  it('puts one point per level at (percentile, output tok/s), labelled by the offered load', () => {
    const { points, missing } = throughputLatencyPoints(sweep, 'ttft', 'p99');
    expect(missing).toBe(0);
    expect(points.map((p) => [p.latency, p.outputTokPerSec, p.label])).toEqual([
      [60, 50, '1 req/s'],
      [70, 100, '2 req/s'],
      [90, 200, '4 req/s'],
      [400, 380, '8 req/s'],
      [3000, 400, '12 req/s'],
      [9000, 395, '16 req/s'],
    ]);
  });

  it('joins the levels no other beats on both counts as the frontier, and puts the ideal at the best of each', () => {
    const { frontier, ideal } = throughputLatencyPoints(sweep, 'ttft', 'p50');
    // 16 req/s is slower than 12 req/s and no faster: dominated.
    expect(frontier.map((p) => p.label)).toEqual(['1 req/s', '2 req/s', '4 req/s', '8 req/s', '12 req/s']);
    expect(ideal).toEqual({ latency: 40, outputTokPerSec: 400 });
    // End-to-end latency is plotted in seconds.
    expect(throughputLatencyPoints(sweep, 'latency', 'p50').points[0]?.latency).toBeCloseTo(0.8, 12);
  });

  it('draws six panels whose data are those points, frontier and star', () => {
    const spec = sweepThroughputLatencySpec(sweep, SWEEP_STATIC) as { concat: { title: { text: string } }[] };
    expect(spec.concat.map((p) => p.title.text.split(' —')[0])).toEqual([
      'p50 TTFT',
      'p99 TTFT',
      'p50 TPOT',
      'p99 TPOT',
      'p50 end-to-end latency',
      'p99 end-to-end latency',
    ]);
    const first = dataRows(spec.concat[0]);
    expect(first.filter((r) => r.series === SERIES.frontier).map((r) => r.latency)).toEqual([40, 42, 50, 120, 900]);
    expect(first.filter((r) => r.series === SERIES.ideal)).toEqual([{ latency: 40, outputTokPerSec: 400, series: SERIES.ideal }]);
  });

  it('leaves out, and counts, a level with no successful request', () => {
    const s = sweepFixture([
      { rate: 1, outputTokPerSec: 10, ttft: [10, 20], tpot: [5, 6], latency: [100, 200] },
      { rate: 2, outputTokPerSec: 0, ttft: null, tpot: null, latency: null, completed: 0, failed: 100 },
    ]);
    const { points, missing } = throughputLatencyPoints(s, 'tpot', 'p50');
    expect([points.length, missing]).toEqual([1, 1]);
    const spec = sweepThroughputLatencySpec(s, SWEEP_STATIC) as { concat: { title: { subtitle?: string[] } }[] };
    expect(spec.concat[2]?.title.subtitle).toEqual(['1 level with no TPOT (no successful request) not shown']);
  });
});

describe('achieved against offered', () => {
  it('finds the first level completing under 90 % of what it sent, and keeps the early stop with its reason', () => {
    const { points, firstBehind } = achievedPoints(typicalSweep());
    expect(points.map((p) => [p.x, p.sentPerSec, p.completedPerSec])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [4, 4, 4],
      [8, 8, 7.8],
      [12, 12, 8.3],
      [16, 15.2, 8.2],
    ]);
    expect(firstBehind?.label).toBe('12 req/s');
    expect(points.filter((p) => p.stoppedEarly).map((p) => p.label)).toEqual(['16 req/s']);
    const parts = sweepAchievedChart(typicalSweep(), SWEEP_INTERACTIVE);
    expect(parts.notes).toContain('stopped early at 16 req/s: TTFT rose for 4 checks in a row to 6.1x its baseline');
    const rows = dataRows({ layer: parts.layer });
    // The y = x line runs from the origin to the highest offered rate.
    expect(rows.filter((r) => String(r.series).startsWith('y = x'))).toEqual([
      { x: 0, v: 0, series: 'y = x: every offered request served' },
      { x: 16, v: 16, series: 'y = x: every offered request served' },
    ]);
    expect(rows.filter((r) => r.series === 'stopped early (past saturation)').map((r) => r.stoppedEarly)).toEqual([
      'TTFT rose for 4 checks in a row to 6.1x its baseline',
    ]);
  });

  it('plots a closed-loop sweep against concurrency, without a y = x line', () => {
    const s = sweepFixture([
      { concurrency: 1, completedPerSec: 2, outputTokPerSec: 100, ttft: [30, 40], tpot: [10, 11], latency: [500, 600] },
      { concurrency: 8, completedPerSec: 9, outputTokPerSec: 450, ttft: [60, 90], tpot: [14, 20], latency: [900, 1300] },
    ]);
    const parts = sweepAchievedChart(s, SWEEP_STATIC);
    expect(parts.title).toBe('Achieved rate against offered concurrency');
    expect(dataRows({ layer: parts.layer }).some((r) => String(r.series).startsWith('y = x'))).toBe(false);
    expect(achievedPoints(s).firstBehind).toBeNull();
    expect(throughputLatencyPoints(s, 'ttft', 'p50').points.map((p) => p.label)).toEqual(['c=1', 'c=8']);
  });

  it('leaves closed-loop levels out of a rate sweep, and says so', () => {
    const s = sweepFixture([
      { rate: 2, outputTokPerSec: 100, ttft: [30, 40], tpot: [10, 11], latency: [500, 600] },
      { concurrency: 8, outputTokPerSec: 450, ttft: [60, 90], tpot: [14, 20], latency: [900, 1300] },
    ]);
    const parts = sweepAchievedChart(s, SWEEP_STATIC);
    expect(parts.notes[0]).toBe('1 level without a finite offered rate (closed loop) not shown');
    expect(achievedPoints(s).points.map((p) => p.x)).toEqual([2]);
  });
});

describe('goodput and SLO attainment', () => {
  it('says "no --slo given" instead of drawing when the sweep had no SLO', async () => {
    const parts = sweepGoodputChart(typicalSweep(), SWEEP_STATIC);
    expect(dataRows({ layer: parts.layer })).toEqual([{ message: NO_SLO_MESSAGE, x: 0.5, y: 0.5 }]);
    const { svg } = await renderChart(sweepPlotSpec(typicalSweep(), 'goodput'));
    expect(svg).toContain('No --slo given');
  });

  it('plots goodput, completed and attainment per level, crossing the levels whose objectives broke', () => {
    const sweep = typicalSweep({ slo: true });
    const { points } = goodputPoints(sweep);
    expect(points.map((p) => [p.x, p.goodputPerSec, p.completedPerSec])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [4, 3.9, 4],
      [8, 6.5, 7.8],
      [12, 1.2, 8.3],
      [16, 0.1, 8.2],
    ]);
    expect(points[3]?.attainmentPct).toBeCloseTo((6.5 / 7.8) * 100, 9);
    const parts = sweepGoodputChart(sweep, SWEEP_STATIC);
    expect(parts.notes[0]).toBe(`SLO ${describeSlo(SLO)}`);
    expect(parts.notes[0]).toBe('SLO per request: TTFT ≤ 500 ms; over the level: p99 TTFT ≤ 800 ms');
    const broken = dataRows({ layer: parts.layer }).filter((r) => r.series === 'percentile objectives broken');
    // p99 TTFT is 3,000 and 9,000 ms at 12 and 16 req/s: over 800.
    expect(broken.map((r) => r.x)).toEqual([12, 16]);
  });

  it('marks the answer of find-max-rate', () => {
    const sweep = { ...typicalSweep({ slo: true }), mode: 'find-max-rate' as const };
    sweep.maxRate = { rate: 8, lower: 8, upper: 12, precisionPerSec: 0.5, trials: [], note: 'noise not measured' };
    const parts = sweepGoodputChart(sweep, SWEEP_STATIC);
    expect(dataRows({ layer: parts.layer }).filter((r) => r.series === 'highest rate holding the SLO')).toEqual([{ x: 8, series: 'highest rate holding the SLO' }]);
    expect(parts.notes).toContain('highest rate holding the SLO: 8 req/s (broken at 12)');
  });

  it('skips a level without an SLO result', () => {
    const s = sweepFixture(
      [
        { rate: 1, outputTokPerSec: 10, ttft: [10, 20], tpot: [5, 6], latency: [100, 200], slo: sloResult({ goodputRequestsPerSec: 1, attainment: 1 }) },
        { rate: 2, outputTokPerSec: 20, ttft: [10, 20], tpot: [5, 6], latency: [100, 200] },
      ],
      { slo: SLO },
    );
    expect(goodputPoints(s)).toMatchObject({ missing: 1, points: [{ x: 1 }] });
  });
});

describe('every sweep chart', () => {
  const sweeps = {
    typical: typicalSweep(),
    withSlo: typicalSweep({ slo: true }),
    empty: sweepFixture([]),
    oneLevel: sweepFixture([{ rate: 3, outputTokPerSec: 30, ttft: [10, 12], tpot: null, latency: [40, 50] }], { slo: SLO }),
    closedLoop: sweepFixture([{ concurrency: 4, outputTokPerSec: 30, ttft: [10, 12], tpot: [3, 4], latency: [40, 50] }]),
  };

  // One test per sweep shape: each lays out six charts, seconds on a loaded 2-core machine.
  it.each(Object.entries(sweeps))('%s: compiles and renders with no warning from vega-lite or vega, static and interactive', async (name, sweep) => {
    for (const kind of SWEEP_CHART_KINDS) {
      for (const opts of [SWEEP_STATIC, SWEEP_INTERACTIVE]) {
        const { warnings } = await renderChart(SWEEP_CHARTS[kind].spec(sweep, opts));
        // Zoom listens on the browser's window, which Node has not.
        expect(warnings.filter((w) => w !== 'Can not resolve event source: window'), `${name} / ${kind} / ${opts.interactive}`).toEqual([]);
      }
    }
  }, 90_000);
});
