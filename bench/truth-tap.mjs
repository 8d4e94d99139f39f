/**
 * Ground truth for llmload's chunk timestamps, read from what mockllm wrote into the chunks.
 *
 * mockllm puts its send time (CLOCK_MONOTONIC ns, read just before write()) into every token's text:
 * `"text":"<rid>.<k>.<ts_ns> "`. llmload's records keep only the arrival time of each content event
 * (`contentTimesMs`), not the text, so the bench wraps the protocol client's `parseStream`: it runs
 * once per request, after the body has ended (never inside the data callback that takes the
 * timestamps), and sees both the raw chunks and the parsed result. For the k-th content event the
 * error is
 *
 *     measured_k - true_k = (contentTimesMs[k] + runStartMs + perfToMonoMs) - ts_ns_k / 1e6
 *
 * where runStartMs is the run's offset 0 on performance.now() (see the worker's clock wrapper) and
 * perfToMonoMs is the constant between performance.now() and CLOCK_MONOTONIC (both come from
 * uv_hrtime; measured once). The content events and the `<rid>.<k>.<ts>` texts pair up in order, and
 * `k` in the text checks the pairing. The request id is kept against the `contentTimesMs` array (the
 * record carries that very array), so `onRecord` can join the record to mockllm's log line by rid,
 * exactly, with no guessing by time.
 *
 * The tap costs CPU in the measured process (one latin1 decode and a regex scan per response, small
 * beside the JSON parse llmload does); it is timed and reported as `tapCpuMs`.
 */
import { performance } from 'node:perf_hooks';
import { createTimingHistogram } from './timing-histogram.mjs';

const TOKEN_TEXT = /"text":"(\d+)\.(\d+)\.(\d+) "/g;

/**
 * The offset to add to a performance.now() reading to get CLOCK_MONOTONIC in ms. Both are uv_hrtime
 * underneath, so the offset is constant; the read with the tightest bracket wins.
 */
export function measurePerfToMonoMs() {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 200; i++) {
    const a = performance.now();
    const h = Number(process.hrtime.bigint()) / 1e6;
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = h - (a + b) / 2;
    }
  }
  return { offsetMs: offset, uncertaintyMs: best / 2 };
}

/**
 * Wrap `client.parseStream` (mutating the client object the library's PROTOCOLS map holds) so every
 * parsed response feeds the error histograms.
 *
 * @param {{ parseStream(chunks: readonly { atMs: number, bytes: Uint8Array }[]): { contentTimesMs: number[] } }} client
 * @param {{ perfToMonoMs: number, runStartMs(): number | undefined }} o
 */
export function installTruthTap(client, o) {
  const original = client.parseStream;
  const ttftErrMs = createTimingHistogram();
  const chunkErrMs = createTimingHistogram();
  const itlErrMs = createTimingHistogram();
  /** @type {Map<number[], { rid: number, ttftErrMs: number }>} keyed by the contentTimesMs array the record will carry */
  const byTimes = new Map();
  // eventsSharingARead: content events that arrived in the same network read as the one before.
  const state = { tapCpuMs: 0, responses: 0, unmatchedEvents: 0, misnumbered: 0, eventsSharingARead: 0 };

  client.parseStream = (chunks) => {
    const parsed = original.call(client, chunks);
    const t0 = performance.now();
    const startMs = o.runStartMs();
    if (startMs !== undefined && parsed.contentTimesMs.length > 0) {
      const shift = startMs + o.perfToMonoMs;
      const text = Buffer.concat(chunks.map((c) => c.bytes)).toString('latin1');
      const times = parsed.contentTimesMs;
      let k = 0;
      let prevErr = 0;
      let prevAt = NaN;
      TOKEN_TEXT.lastIndex = 0;
      for (let m = TOKEN_TEXT.exec(text); m !== null && k < times.length; m = TOKEN_TEXT.exec(text), k++) {
        if (Number(m[2]) !== k) state.misnumbered++;
        const at = times[k];
        const err = at + shift - Number(m[3]) / 1e6;
        if (k === 0) {
          ttftErrMs.add(err);
          byTimes.set(times, { rid: Number(m[1]), ttftErrMs: err });
        } else {
          chunkErrMs.add(err);
          itlErrMs.add(err - prevErr);
          if (at === prevAt) state.eventsSharingARead++;
        }
        prevErr = err;
        prevAt = at;
      }
      state.unmatchedEvents += times.length - k;
      state.responses++;
    }
    state.tapCpuMs += performance.now() - t0;
    return parsed;
  };

  return {
    /** The mockllm request id and TTFT error of a record (by its contentTimesMs array), forgotten once read. */
    take(contentTimesMs) {
      const found = byTimes.get(contentTimesMs);
      byTimes.delete(contentTimesMs);
      return found;
    },
    result() {
      return {
        ttftErrMs: ttftErrMs.summary(),
        chunkErrMs: chunkErrMs.summary(),
        itlErrMs: itlErrMs.summary(),
        ...state,
        neverClaimed: byTimes.size,
      };
    },
    uninstall() {
      client.parseStream = original;
    },
  };
}
