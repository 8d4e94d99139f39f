import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chartFontBase64 } from './font.js';

const require = createRequire(import.meta.url);

/** What the HTML report inlines so it works offline: vega, vega-lite and vega-embed, and the font. */
export interface ReportAssets {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
  fontBase64: string;
}

let cached: ReportAssets | undefined;

/**
 * The browser builds of vega, vega-lite and vega-embed (UMD, minified) from the installed packages,
 * read once per process. Their package exports do not list these files, so each is found beside the
 * package's main entry (build/).
 */
export function reportAssets(): ReportAssets {
  cached ??= {
    vega: read('vega', 'vega.min.js'),
    vegaLite: read('vega-lite', 'vega-lite.min.js'),
    vegaEmbed: read('vega-embed', 'vega-embed.min.js'),
    fontBase64: chartFontBase64(),
  };
  return cached;
}

function read(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
}
