import { describe, expect, it } from 'vitest';
import { rasterizeSvg } from './render-chart.js';
import { flattenOpacity } from './svg-for-resvg.js';

describe('flattenOpacity', () => {
  it('moves element opacity onto fill and stroke, multiplying what is there', () => {
    expect(flattenOpacity('<path d="M0,0" fill="red" opacity="0.5"/>')).toBe('<path fill-opacity="0.5" stroke-opacity="0.5" d="M0,0" fill="red"/>');
    expect(flattenOpacity('<rect fill-opacity="0.5" opacity="0.5" width="1"/>')).toBe('<rect stroke-opacity="0.5" fill-opacity="0.25" width="1"/>');
    expect(flattenOpacity('<text x="1" opacity="0">hidden</text>')).toBe('<text fill-opacity="0" stroke-opacity="0" x="1">hidden</text>');
  });

  it('leaves elements without opacity, and fill-opacity alone, untouched', () => {
    const svg = '<g transform="translate(1,1)"><path d="M0,0" fill-opacity="0.3"/><text>opacity="0.5"</text></g>';
    expect(flattenOpacity(svg)).toBe(svg);
  });

  it('lets resvg draw a semi-transparent shape far outside the canvas (which panics without it)', () => {
    // This exact SVG aborts the process in resvg 2.6.2 when the opacity stays on the element.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><path transform="translate(5000,50)" d="M3,0A3,3,0,1,1,-3,0A3,3,0,1,1,3,0" fill="#0072B2" opacity="0.45"/></svg>';
    expect(rasterizeSvg(svg, 1).width).toBe(100);
  });
});
