import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SweepResult } from '../core/sweep/sweep-result.js';
import { renderSweepPlots } from '../report/sweep/render-sweep-plots.js';
import { renderSweepReportHtml, SWEEP_REPORT_FILE } from '../report/sweep/sweep-html.js';
import { PLOT_DIR } from './plot-command.js';

/**
 * Write a sweep's cross-level plots (SWEEP_DIR/plot/*.png) and its report (SWEEP_DIR/report.html),
 * from the sweep summary alone; returns the line that tells the user where they are.
 */
export async function writeSweepReport(dir: string, sweep: SweepResult): Promise<string> {
  const plotDir = join(dir, PLOT_DIR);
  await mkdir(plotDir, { recursive: true });
  const pngs = await renderSweepPlots(sweep);
  for (const p of pngs) await writeFile(join(plotDir, p.file), p.bytes);
  const report = join(dir, SWEEP_REPORT_FILE);
  await writeFile(report, renderSweepReportHtml(sweep));
  return `llmload: sweep plots in ${plotDir}/ (${pngs.length} PNG), report ${report}`;
}
