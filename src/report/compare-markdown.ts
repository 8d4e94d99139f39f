import type { CompareReport } from '../core/compare/compare-runs.js';
import { compareHeader, compareRow, describeGateCheck, pairTitle } from './compare-table.js';

/** The files `llmload compare --out DIR` writes. */
export const COMPARE_FILES = { json: 'compare.json', markdown: 'compare.md' } as const;

/**
 * compare.md: the console's tables as Markdown, for a pull request or a wiki. Cells are escaped:
 * folder names come from the user and may hold a pipe.
 */
export function renderCompareMarkdown(report: CompareReport): string {
  const out: string[] = ['# llmload compare', ''];
  out.push(`Baseline: ${cell(report.inputs[0] ?? '')}. Each other ${report.kind === 'sweeps' ? 'sweep' : 'run'} is compared against it.`, '');
  for (const pair of report.pairs) {
    out.push(`## ${cell(pairTitle(pair))}`, '');
    const head = compareHeader(report);
    out.push(`| ${head.map(cell).join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i === head.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const m of pair.metrics) out.push(`| ${compareRow(m).map(cell).join(' | ')} |`);
    if (pair.gate.length) out.push('', ...pair.gate.map((g) => `- ${cell(describeGateCheck(g))}`));
    out.push('');
  }
  out.push(
    `Method: bootstrap over requests, ${report.method.resamples} resamples per run, percentile intervals at ${report.method.confidence * 100}%, seed ${report.method.seed}. ` +
      `About ${report.expectedFalseAlarms.toFixed(1)} of these verdicts would show a change by chance alone if nothing changed.`,
  );
  if (report.warnings.length) out.push('', 'Warnings:', '', ...report.warnings.map((w) => `- ${cell(w)}`));
  return `${out.join('\n')}\n`;
}

/** compare.json: the report as data (every interval, verdict and gate check). */
export function renderCompareJson(report: CompareReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function cell(s: string): string {
  return s.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
