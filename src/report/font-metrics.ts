/**
 * Advance widths of a TrueType font, read from its own tables, so chart layout measures text as the
 * PNG will draw it. Vega in Node has no canvas to measure with and otherwise guesses 0.8 em a
 * character, about 60 % wider than Roboto's average: legends spread out and long labels get cut.
 *
 * Only what width needs is read: `head` (units per em), `hhea` (how many glyphs have their own
 * metric), `hmtx` (advance widths) and a format-4 `cmap` subtable (Unicode BMP -> glyph). Kerning is
 * ignored: it moves a label by a fraction of a pixel. A character the font lacks measures as the
 * font's missing-glyph box (glyph 0), which is also what resvg draws for it.
 */
export interface FontMetrics {
  unitsPerEm: number;
  /** Width of `text` set at `fontSize` pixels. */
  width(text: string, fontSize: number): number;
}

export function parseFontMetrics(ttf: Uint8Array): FontMetrics {
  const view = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(ttf[rec] as number, ttf[rec + 1] as number, ttf[rec + 2] as number, ttf[rec + 3] as number);
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  // Glyphs past numberOfHMetrics share the last advance (monospaced tails).
  const advanceOfGlyph = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapFormat4(view, table('cmap'));
  const cache = new Map<number, number>();
  const advance = (codePoint: number): number => {
    let a = cache.get(codePoint);
    if (a === undefined) {
      a = advanceOfGlyph(glyphOf(codePoint));
      cache.set(codePoint, a);
    }
    return a;
  };
  return {
    unitsPerEm,
    width(text, fontSize) {
      let units = 0;
      for (const ch of text) units += advance(ch.codePointAt(0) as number);
      return (units / unitsPerEm) * fontSize;
    },
  };
}

/** The Unicode BMP mapping (platform 3 encoding 1, or platform 0), as a code point -> glyph lookup. */
function cmapFormat4(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let sub = -1;
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const offset = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (view.getUint16(offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
      sub = offset;
      break;
    }
  }
  if (sub < 0) throw new Error('font has no Unicode BMP (format 4) cmap');
  const segCount = view.getUint16(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  return (cp) => {
    if (cp > 0xffff) return 0;
    // Segments are sorted by end code: the first whose end >= cp holds it, if its start <= cp.
    let lo = 0;
    let hi = segCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (view.getUint16(endCodes + 2 * mid) < cp) lo = mid + 1;
      else hi = mid;
    }
    const start = view.getUint16(startCodes + 2 * lo);
    if (start > cp || view.getUint16(endCodes + 2 * lo) < cp) return 0;
    const delta = view.getInt16(idDeltas + 2 * lo);
    const rangeOffsetAt = idRangeOffsets + 2 * lo;
    const rangeOffset = view.getUint16(rangeOffsetAt);
    if (rangeOffset === 0) return (cp + delta) & 0xffff;
    // idRangeOffset is relative to its own position in the array (the spec's pointer arithmetic).
    const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (cp - start));
    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  };
}
