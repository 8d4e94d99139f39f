import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../test/helpers/png.js';
import { syntheticRun } from '../../test/helpers/synthetic-run.js';
import { CHART_KINDS, CHARTS } from './charts/index.js';
import { overviewSpec } from './charts/overview.js';
import { rasterizeSvg, renderChart } from './render-chart.js';
import { OVERVIEW_FILE, plotSpec, renderPlots, renderPlotSvg } from './render-plots.js';

/** Fixture runs covering the shapes a chart must survive. */
const RUNS = {
  normal: syntheticRun({ n: 120, failEvery: 15, label: 'fixture', model: 'fixture-model' }),
  oneToken: syntheticRun({ n: 40, outputTokens: () => 1 }),
  allFailed: syntheticRun({ n: 12, failEvery: 1 }),
  nothing: syntheticRun({ n: 0 }),
  rateInf: syntheticRun({ n: 30, ratePerSec: Infinity }),
};

describe('every chart of every fixture run', () => {
  it('renders with no warning from vega-lite or vega', async () => {
    for (const [name, run] of Object.entries(RUNS)) {
      for (const kind of CHART_KINDS) {
        const { warnings } = await renderChart(plotSpec(run, kind));
        expect(warnings, `${name} / ${kind}`).toEqual([]);
      }
      const { warnings } = await renderChart(overviewSpec(run));
      expect(warnings, `${name} / overview`).toEqual([]);
    }
  });

  it('says why instead of drawing an empty chart when a metric has no data', async () => {
    expect(await renderPlotSvg(RUNS.oneToken, 'itlTpot')).toContain('No ITL or TPOT: no successful response had two or more output tokens');
    for (const kind of ['throughputLatency', 'ttft', 'tokensPerSec'] as const) {
      expect(await renderPlotSvg(RUNS.allFailed, kind), kind).toMatch(/No successful request/);
    }
    for (const kind of ['timeline', 'inFlight', 'requestRate', 'scheduleLag'] as const) {
      expect(await renderPlotSvg(RUNS.nothing, kind), kind).toContain('No request was sent');
    }
  });

  it('names the run in every title: label, model, rate, concurrency', async () => {
    const svg = await renderPlotSvg(RUNS.normal, 'ttft');
    expect(svg).toContain('run fixture · model fixture-model · Poisson 20 req/s · max concurrency 16 · 120 requests (8 failed)');
    expect(await renderPlotSvg(RUNS.rateInf, 'requestRate')).toContain('all at once (rate inf)');
  });
});

describe('renderPlots (PNG)', () => {
  // Every PNG twice over: room for a loaded, shared 2-core machine.
  it('gives decodable PNGs at twice the chart size, the same bytes every time', async () => {
    const first = await renderPlots(RUNS.normal);
    expect(first.map((f) => f.file)).toEqual([...CHART_KINDS.map((k) => CHARTS[k].file), OVERVIEW_FILE]);
    for (const { file, bytes } of first) {
      const png = decodePng(bytes);
      const svgSize = async (spec: Parameters<typeof renderChart>[0]): Promise<number[]> => {
        const [, w, h] = /width="(\d+)" height="(\d+)"/.exec((await renderChart(spec)).svg) ?? [];
        return [2 * Number(w), 2 * Number(h)];
      };
      if (file === OVERVIEW_FILE) {
        // The overview's size follows its panels: exactly twice its SVG's.
        expect([png.width, png.height]).toEqual(await svgSize(overviewSpec(RUNS.normal)));
        expect(png.width).toBeGreaterThan(2000);
      } else if (file === CHARTS.telemetry.file) {
        // The telemetry panel is as tall as its rows, about as wide as the others.
        expect([png.width, png.height]).toEqual(await svgSize(plotSpec(RUNS.normal, 'telemetry')));
        expect(png.width).toBeGreaterThan(1500);
      } else {
        expect([png.width, png.height], file).toEqual([1800, 1080]);
      }
    }
    const second = await renderPlots(RUNS.normal);
    for (let i = 0; i < first.length; i++) expect(second[i]?.bytes.equals(first[i]?.bytes as Buffer), first[i]?.file).toBe(true);
  }, 90_000);
});

describe('text in the PNGs', () => {
  /** Dark pixels in a rectangle of an RGBA image (CSS px, scaled by 2). */
  function inkIn(image: { width: number; pixels: Buffer }, box: { x: number; y: number; w: number; h: number }): number {
    let ink = 0;
    for (let y = box.y * 2; y < (box.y + box.h) * 2; y++) {
      for (let x = box.x * 2; x < (box.x + box.w) * 2; x++) {
        const i = (y * image.width + x) * 4;
        if ((image.pixels[i] as number) < 128 && (image.pixels[i + 3] as number) > 0) ink++;
      }
    }
    return ink;
  }

  it('draws the title with the bundled font, which is the only font loaded', async () => {
    const svg = await renderPlotSvg(RUNS.normal, 'ttft');
    // The title sits top left, inside the 12 px padding: "Time to first token (TTFT)".
    const title = { x: 12, y: 12, w: 240, h: 24 };
    const withFont = rasterizeSvg(svg);
    expect(inkIn(withFont, title)).toBeGreaterThan(1500);
    // The same SVG with no font at all draws no text there: the ink above came from the shipped TTF.
    const noFont = new Resvg(svg, { font: { loadSystemFonts: false }, fitTo: { mode: 'zoom', value: 2 }, background: 'white' }).render();
    expect(inkIn({ width: noFont.width, pixels: noFont.pixels }, title)).toBe(0);
  });
});
