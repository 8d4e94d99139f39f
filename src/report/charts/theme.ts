import type { Config } from 'vega-lite';
import { CHART_FONT_FAMILY } from '../font.js';

/**
 * Colours from the Okabe-Ito palette, which stays distinguishable under the common colour-vision
 * deficiencies and in greyscale print. Each chart uses them by meaning, not by position.
 */
export const COLOR = {
  blue: '#0072B2',
  orange: '#E69F00',
  vermillion: '#D55E00',
  green: '#009E73',
  sky: '#56B4E9',
  purple: '#CC79A7',
  grey: '#777777',
  ink: '#222222',
} as const;

/** A single chart's size in CSS pixels; the PNG is PNG_SCALE times this. */
export const CHART_SIZE = { width: 900, height: 540 } as const;

/**
 * The look every chart shares: the bundled font everywhere (vega would otherwise ask for
 * sans-serif, which differs between machines), regular weight only (the one face shipped), text
 * large enough to read on a printed page, legends above the plot so they never cover data.
 */
export function chartConfig(): Config {
  return {
    font: CHART_FONT_FAMILY,
    background: 'white',
    padding: 12,
    title: {
      font: CHART_FONT_FAMILY,
      fontSize: 19,
      fontWeight: 'normal',
      color: COLOR.ink,
      subtitleFont: CHART_FONT_FAMILY,
      subtitleFontSize: 13,
      subtitleColor: '#444444',
      subtitlePadding: 6,
      anchor: 'start',
      offset: 14,
    },
    axis: {
      labelFont: CHART_FONT_FAMILY,
      titleFont: CHART_FONT_FAMILY,
      labelFontSize: 12,
      titleFontSize: 13,
      titleFontWeight: 'normal',
      titleColor: COLOR.ink,
      labelColor: '#333333',
      gridColor: '#e8e8e8',
      domainColor: '#888888',
      tickColor: '#888888',
      titlePadding: 8,
    },
    legend: {
      labelFont: CHART_FONT_FAMILY,
      titleFont: CHART_FONT_FAMILY,
      labelFontSize: 12.5,
      labelColor: COLOR.ink,
      orient: 'top',
      direction: 'horizontal',
      columnPadding: 18,
      symbolSize: 110,
      // Opaque symbols, whatever the marks' opacity: the legend reads clearly, and layers with
      // different opacities no longer disagree about (and drop) the legend's symbol encoding.
      symbolOpacity: 1,
      labelLimit: 420,
    },
    text: { font: CHART_FONT_FAMILY },
    view: { stroke: '#cccccc' },
    concat: { spacing: 28 },
  };
}
