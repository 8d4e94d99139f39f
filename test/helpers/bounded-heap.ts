import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built library's folder (npm test builds it before vitest runs). */
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

export interface BoundedHeapResult {
  /** What the script printed on its last stdout line, parsed as JSON. */
  result: unknown;
  /** The child's own peak heap use sampled every 5 ms, in MB (for the log, not for asserting). */
  peakHeapMb: number;
  /** The child's peak resident set (`process.resourceUsage().maxRSS`), in MB (for the log). */
  maxRssMb: number;
}

/**
 * Run an ES module body in a fresh Node process whose old-space heap is capped at `heapMb`, with `dist`
 * bound to the built library's folder URL. A reader that held a file bigger than the cap in memory dies
 * with "heap out of memory" and this rejects with its stderr; one that streams finishes. The cap makes the
 * check deterministic where an RSS ceiling is not: V8 collects as hard as it must near the cap, while RSS
 * growth depends on how lazily it collects on a machine with memory to spare (which flaked in CI).
 * The body must end by `return`ing a JSON-serialisable value.
 */
export function runWithHeapCap(heapMb: number, body: string, args: readonly string[] = []): Promise<BoundedHeapResult> {
  const script = `
    const dist = ${JSON.stringify(new URL(`file://${DIST}`).href)};
    let peakHeap = 0;
    const timer = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 5);
    const result = await (async () => { ${body} })();
    clearInterval(timer);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    process.stdout.write('\\n' + JSON.stringify({ result, peakHeapMb: peakHeap / 1048576, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--input-type=module', '-e', script, ...args],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`child with a ${heapMb} MB heap failed (${error.message.split('\n')[0]}):\n${stderr.slice(-2000)}`));
          return;
        }
        const last = stdout.trim().split('\n').at(-1) ?? '';
        resolve(JSON.parse(last) as BoundedHeapResult);
      },
    );
  });
}
