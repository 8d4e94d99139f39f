import cliProgress from 'cli-progress';
import type { RequestRecord } from '../core/metrics/request-record.js';

/** The live progress line: done/total, in flight, errors, elapsed, recent output tok/s. */
export interface Progress {
  sent(): void;
  done(record: RequestRecord): void;
  /** Print a line; the bar (if any) is stopped first so it cannot overwrite it. */
  log(line: string): void;
  stop(): void;
}

const WINDOW_MS = 5_000;

/**
 * A single progress line on a TTY (stderr, so stdout stays clean for --json). Elsewhere, or with
 * --quiet, nothing: logs of CI jobs are not the place for carriage-return animations.
 */
export function createProgress(o: { enabled: boolean; total: number; stream: NodeJS.WriteStream; now(): number }): Progress {
  if (!o.enabled) return { sent() {}, done() {}, log: (line) => void o.stream.write(`${line}\n`), stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: o.stream,
      format: ' {bar} {value}/{total} done | {inflight} in flight | {errors} errors | {elapsed}s | {tps} out tok/s',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = o.now();
  let inflight = 0;
  let errors = 0;
  let completed = 0;
  let stopped = false;
  // Recent completions (time, output tokens) for a rolling throughput figure.
  // Rendering happens on a timer, not per request: at thousands of requests/s the per-request work
  // stays a few increments.
  const recent: { at: number; tokens: number }[] = [];
  let head = 0;
  let recentTokens = 0;
  const payload = (): Record<string, string | number> => {
    const t = o.now();
    while (head < recent.length && (recent[head] as { at: number }).at < t - WINDOW_MS) {
      recentTokens -= (recent[head] as { tokens: number }).tokens;
      head++;
    }
    if (head > 1024) {
      recent.splice(0, head);
      head = 0;
    }
    const span = Math.min(WINDOW_MS, t - start) / 1000;
    const tokens = recentTokens;
    return {
      inflight,
      errors,
      elapsed: ((t - start) / 1000).toFixed(1),
      tps: span > 0 ? (tokens / span).toFixed(0) : '0',
    };
  };
  bar.start(o.total, 0, payload());
  const timer = setInterval(() => bar.update(completed, payload()), 500);
  timer.unref();
  return {
    sent() {
      inflight++;
    },
    done(r) {
      inflight--;
      completed++;
      if (!r.ok) errors++;
      const tokens = r.ok ? r.outputTokens : 0;
      recent.push({ at: o.now(), tokens });
      recentTokens += tokens;
    },
    log(line) {
      // The bar restores its saved cursor position when it stops, which would overwrite a line printed
      // below it; notices come only at the end of a run, so the bar ends there.
      this.stop();
      o.stream.write(`${line}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      bar.update(completed, payload());
      bar.stop();
    },
  };
}
