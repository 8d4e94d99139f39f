import type { RequestRecord } from '../core/metrics/request-record.js';

/**
 * One record as one JSON line. Times are rounded to the microsecond: finer digits are clock noise,
 * and a long stream's chunk times are most of the file.
 */
export function renderRecordLine(r: RequestRecord): string {
  return `${JSON.stringify({
    ...r,
    intendedAtMs: us(r.intendedAtMs),
    readyAtMs: us(r.readyAtMs),
    dispatchedAtMs: us(r.dispatchedAtMs),
    sentAtMs: us(r.sentAtMs),
    headersAtMs: r.headersAtMs === null ? null : us(r.headersAtMs),
    endAtMs: us(r.endAtMs),
    contentTimesMs: r.contentTimesMs.map(us),
  })}\n`;
}

function us(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
