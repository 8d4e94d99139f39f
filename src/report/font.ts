import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The one font every chart is drawn in: Roboto Regular, shipped as a dependency (TTF, because resvg
 * cannot read WOFF). Charts never fall back to system fonts: those differ between machines and are
 * absent on a bare container, where text would silently vanish from the PNGs.
 */
export const CHART_FONT_FAMILY = 'Roboto';

const require = createRequire(import.meta.url);

/** Absolute path of the bundled Roboto Regular TTF. */
export function chartFontPath(): string {
  return require.resolve('@expo-google-fonts/roboto/400Regular/Roboto_400Regular.ttf');
}

let cachedBase64: string | undefined;

/** The TTF as base64, for an @font-face data: URL in the self-contained HTML report. */
export function chartFontBase64(): string {
  cachedBase64 ??= readFileSync(chartFontPath()).toString('base64');
  return cachedBase64;
}
