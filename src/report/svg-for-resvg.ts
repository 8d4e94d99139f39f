/**
 * Rewrites element opacity in vega's SVG as fill and stroke opacity before resvg draws it.
 *
 * Why: resvg 2.6 draws an element with `opacity` < 1 through an offscreen layer, and when that element
 * lies far outside the canvas the layer's bounds come out empty and resvg panics, which aborts the
 * whole Node process (a Rust panic cannot be caught). Vega emits exactly such elements: axis labels
 * it hides with opacity 0, and semi-transparent points that a chart clips away. With the opacity
 * moved onto fill and stroke no layer is needed; the picture is the same for vega's marks (a point
 * is a fill, a line a stroke), and drawing is faster too.
 */
const SHAPE_TAG = /<(path|text|rect|line|circle|ellipse|polygon|polyline)\b([^>]*)>/g;
const OPACITY = /\sopacity="([^"]*)"/;

export function flattenOpacity(svg: string): string {
  return svg.replace(SHAPE_TAG, (tag, name: string, attrs: string) => {
    const m = OPACITY.exec(attrs);
    if (!m) return tag;
    const opacity = clamp01(Number(m[1]));
    let rest = attrs.replace(OPACITY, '');
    let added = '';
    for (const attr of ['fill-opacity', 'stroke-opacity']) {
      const re = new RegExp(`\\s${attr}="([^"]*)"`);
      const own = re.exec(rest);
      const combined = ` ${attr}="${fmt((own ? clamp01(Number(own[1])) : 1) * opacity)}"`;
      if (own) rest = rest.replace(re, combined);
      else added += combined;
    }
    return `<${name}${added}${rest}>`;
  });
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 1;
}

function fmt(v: number): string {
  return String(Number(v.toFixed(4)));
}
