import { compareRuns, compareSweeps, type CompareOptions, type CompareReport } from '../core/compare/compare-runs.js';
import { LlmloadError } from '../errors.js';
import { detectCompareFolder, loadCompareRun, loadCompareSweep, type LoadedCompareRun } from '../report/compare-load.js';

/** A comparison of folders, with what the reading had to leave out. */
export interface FolderComparison {
  report: CompareReport;
  /** One line per run whose requests.jsonl had unreadable lines. */
  notes: string[];
}

/**
 * Compare saved runs (or sweeps) from their folders, each against the first. Run folders and sweep
 * folders do not mix: that throws (exit 2) with what each folder is and what to do instead.
 */
export async function compareFolders(dirs: readonly string[], opts: CompareOptions): Promise<FolderComparison> {
  if (dirs.length < 2) throw new LlmloadError('LLMLOAD_CONFIG_INVALID', 'compare needs at least two folders: the baseline first, then one or more to compare with it');
  const kinds = await Promise.all(dirs.map(detectCompareFolder));
  if (new Set(kinds).size > 1) {
    const what = dirs.map((d, i) => `"${d}" is a ${kinds[i]} folder (${kinds[i] === 'sweep' ? 'sweep.json' : 'summary.json'})`).join(', ');
    throw new LlmloadError(
      'LLMLOAD_CONFIG_INVALID',
      `cannot compare a run with a sweep: ${what}. Compare runs with runs or sweeps with sweeps; to compare one level of a sweep with a run, give the level's folder (SWEEP_DIR/<level dir>, a run folder).`,
    );
  }
  if (kinds[0] === 'sweep') {
    const sweeps = [];
    for (const d of dirs) sweeps.push(await loadCompareSweep(d));
    return { report: compareSweeps(sweeps, opts), notes: sweeps.flatMap((s) => s.levels.flatMap((l) => skippedNote(l.run))) };
  }
  const runs: LoadedCompareRun[] = [];
  for (const d of dirs) runs.push(await loadCompareRun(d));
  return { report: compareRuns(runs, opts), notes: runs.flatMap(skippedNote) };
}

function skippedNote(run: LoadedCompareRun): string[] {
  if (run.skipped.count === 0) return [];
  return [`${run.skipped.count} line(s) of ${run.name}/requests.jsonl could not be read and were left out (${run.skipped.examples.join('; ')})`];
}
