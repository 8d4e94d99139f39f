import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { REPORT_FILE, renderHtmlReport } from '../report/html.js';
import { loadRun } from '../report/load-run.js';
import { renderPlots } from '../report/render-plots.js';
import { SWEEP_FILE, type SweepResult } from '../core/sweep/sweep-result.js';
import { LlmloadError } from '../errors.js';
import { parseSavedSweep } from '../report/saved-sweep.js';
import type { CliIo } from './io.js';
import { renderSweepPlots } from '../report/sweep/render-sweep-plots.js';
import { renderSweepReportHtml, SWEEP_REPORT_FILE } from '../report/sweep/sweep-html.js';

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

/** `llmload plot DIR`: the plots and the HTML report of a saved run, or of a sweep and its levels. */
export function plotCommand(io: CliIo): Command {
  return new Command('plot')
    .description(`draw a saved run's plots (RUN_DIR/${PLOT_DIR}/*.png) and its HTML report (RUN_DIR/${REPORT_FILE}); for a sweep folder, the sweep's and every level's`)
    .argument('<DIR>', 'a folder written by llmload run or llmload sweep')
    .action(async (dir: string) => {
      const sweep = await readSweepFolder(dir);
      if (sweep === null) {
        io.stderr.write(describeWrittenReport(await writeRunReport(dir)));
      } else {
        // One level that cannot be drawn (a folder removed or damaged) does not stop the others or the sweep's.
        let failed = 0;
        for (const level of sweep.levels) {
          try {
            io.stderr.write(describeWrittenReport(await writeRunReport(join(dir, level.dir))));
          } catch (err) {
            failed++;
            io.stderr.write(`llmload: level ${level.index} (${level.dir}) could not be drawn: ${(err as Error).message}\n`);
          }
        }
        io.stderr.write(`${await writeSweepReport(dir, sweep)}\n`);
        if (failed) {
          io.exitCode = 1;
          return;
        }
      }
      io.exitCode = 0;
    });
}

/** The folder's sweep.json, validated; null when the folder holds none (then it should be a run). */
async function readSweepFolder(dir: string): Promise<SweepResult | null> {
  const path = join(dir, SWEEP_FILE);
  if (!existsSync(path)) return null;
  try {
    return parseSavedSweep(JSON.parse(await readFile(path, 'utf8')));
  } catch (err) {
    throw new LlmloadError('LLMLOAD_CONFIG_INVALID', `"${dir}" has a sweep.json that is not an llmload sweep: ${(err as Error).message}`);
  }
}
