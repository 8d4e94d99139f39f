import { readFileSync } from 'node:fs';
import { renderAsync, Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFontPath, CHART_FONT_FAMILY } from './font.js';
import { parseFontMetrics } from './font-metrics.js';
import { encodePng } from './png-encode.js';
import { flattenOpacity } from './svg-for-resvg.js';

/** PNGs are drawn at twice the chart's CSS size: print resolution, and sharp on high-DPI screens. */
export const PNG_SCALE = 2;

/** A vega-lite chart compiled to vega, with whatever vega-lite warned about (a test expects none). */
export interface CompiledChart {
  spec: vega.Spec;
  warnings: string[];
}

/** Compile a vega-lite spec, collecting warnings instead of printing them: a library prints nothing. */
export function compileChart(spec: TopLevelSpec): CompiledChart {
  const warnings: string[] = [];
  const compiled = compile(spec, { logger: collectingLogger(warnings) }).spec;
  return { spec: compiled, warnings };
}

/**
 * A chart as an SVG document, laid out with the bundled font's real metrics (see useChartFontMetrics).
 * Deterministic: the same spec gives the same bytes on any machine.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  return (await renderChart(spec)).svg;
}

/** renderSvg, with the warnings vega-lite and vega raised on the way (tests expect none). */
export async function renderChart(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  useChartFontMetrics();
  // ARIA labels describe every mark for screen readers: useful in the HTML report, dead weight in a PNG.
  const { spec: vg, warnings } = compileChart({ ...spec, config: { ...spec.config, aria: false } } as TopLevelSpec);
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG with the bundled font only, at `scale` times its size. */
export function rasterizeSvg(svg: string, scale = PNG_SCALE): { png: Buffer; width: number; height: number; pixels: Buffer } {
  const image = new Resvg(flattenOpacity(svg), pngRenderOptions(scale)).render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}

/**
 * An SVG as PNG bytes, drawn and compressed on libuv's thread pool: the main thread can lay out the
 * next chart with vega meanwhile (see encodePng for why not resvg's own encoder).
 */
export async function rasterizeSvgAsync(svg: string, scale = PNG_SCALE): Promise<Buffer> {
  const image = await renderAsync(flattenOpacity(svg), pngRenderOptions(scale));
  return encodePng(image.width, image.height, image.pixels);
}

/** A chart as PNG bytes at print resolution. */
export async function renderPng(spec: TopLevelSpec, scale = PNG_SCALE): Promise<Buffer> {
  return rasterizeSvgAsync(await renderSvg(spec), scale);
}

/** resvg options: only the bundled font is loaded, and it is the default for any family asked for. */
export function pngRenderOptions(scale = PNG_SCALE): ConstructorParameters<typeof Resvg>[1] {
  return {
    font: {
      fontFiles: [chartFontPath()],
      loadSystemFonts: false,
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  };
}

/** vega's text measurement hook; exported by vega at run time but missing from its type declarations. */
interface VegaTextMetrics {
  width: (item: { fontSize?: number }, text?: unknown) => number;
}

let metricsInstalled = false;

/**
 * Make vega measure text with the bundled Roboto's advance widths. Headless vega otherwise guesses
 * 0.8 em a character (or measures with whatever font a canvas package finds), so legends spread,
 * labels are cut early and the layout differs between machines. This sets vega's process-wide text
 * measurement, as vega's own vl-convert does; every chart llmload draws uses this one font anyway.
 */
export function useChartFontMetrics(): void {
  if (metricsInstalled) return;
  const metrics = parseFontMetrics(readFileSync(chartFontPath()));
  const textMetrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  textMetrics.width = (item, text) => metrics.width(text == null ? '' : String(text).trim(), item.fontSize ?? 11);
  metricsInstalled = true;
}

function collectingLogger(warnings: string[]): vega.LoggerInterface {
  return vega.logger(vega.Warn, 'warn', (_method, _level, args) => {
    warnings.push(args.map(String).join(' '));
  });
}
