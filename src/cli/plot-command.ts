import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { REPORT_FILE, renderHtmlReport } from '../report/html.js';
import { loadRun } from '../report/load-run.js';
import { renderPlots } from '../report/render-plots.js';
import type { CliIo } from './io.js';

/** The plots' folder inside a run folder. */
export const PLOT_DIR = 'plot';

/** What writeRunReport wrote, and what it had to leave out. */
export interface WrittenReport {
  plotDir: string;
  pngFiles: string[];
  reportFile: string;
  /** Lines of requests.jsonl that could not be read, and why (the first few). */
  skipped: { count: number; examples: string[] };
}

/**
 * Read a run folder and write its plots (RUN_DIR/plot/*.png) and report (RUN_DIR/report.html).
 * Everything comes from the saved files, so a run can be re-plotted any time; an earlier plot of the
 * same run is replaced. Throws a LlmloadError (exit 2) when the folder holds no run.
 */
export async function writeRunReport(dir: string): Promise<WrittenReport> {
  const run = await loadRun(dir);
  const plotDir = join(dir, PLOT_DIR);
  await mkdir(plotDir, { recursive: true });
  const pngs = await renderPlots(run);
  for (const p of pngs) await writeFile(join(plotDir, p.file), p.bytes);
  const reportFile = join(dir, REPORT_FILE);
  await writeFile(reportFile, renderHtmlReport(run));
  return { plotDir, pngFiles: pngs.map((p) => p.file), reportFile, skipped: run.skipped };
}

/** One line for the user: where the plots and the report are, and what was left out. */
export function describeWrittenReport(w: WrittenReport): string {
  const skipped = w.skipped.count
    ? `\nllmload: ${w.skipped.count} line(s) of requests.jsonl could not be read and were left out (${w.skipped.examples.join('; ')})`
    : '';
  return `llmload: plots in ${w.plotDir}/ (${w.pngFiles.length} PNG), report ${w.reportFile}${skipped}\n`;
}

/**
 * After `llmload run`: draw the plots, but never lose the run over them. The results are already
 * written; a failure here is reported with the command that retries it, and the exit code stays the
 * run's own. After Ctrl-C nothing is drawn: the user asked to stop, and drawing takes seconds; the
 * message says how to draw them later.
 */
export async function plotAfterRun(dir: string, io: CliIo, interrupted: boolean): Promise<void> {
  if (interrupted) {
    io.stderr.write(`llmload: no plots after Ctrl-C; draw them with: llmload plot ${dir}\n`);
    return;
  }
  try {
    io.stderr.write(describeWrittenReport(await writeRunReport(dir)));
  } catch (err) {
    io.stderr.write(
      `llmload: the plots could not be drawn (${(err as Error).message}); the run's results are saved. Retry with: llmload plot ${dir}\n`,
    );
  }
}

/** `llmload plot RUN_DIR`: the plots and the HTML report of a saved run. */
export function plotCommand(io: CliIo): Command {
  return new Command('plot')
    .description(`draw a saved run's plots (RUN_DIR/${PLOT_DIR}/*.png) and its HTML report (RUN_DIR/${REPORT_FILE})`)
    .argument('<RUN_DIR>', 'a folder written by llmload run')
    .action(async (dir: string) => {
      io.stderr.write(describeWrittenReport(await writeRunReport(dir)));
      io.exitCode = 0;
    });
}
