import { describe, expect, it } from 'vitest';
import { record } from '../../test/helpers/record-fixture.js';
import { syntheticRecords, syntheticResult } from '../../test/helpers/synthetic-run.js';
import { createSavedRunBuilder, ERROR_EXCERPT_CHARS, savedRunFromRecords } from './saved-run.js';

const RESULT = syntheticResult(syntheticRecords({ n: 2 }), { n: 2 });

describe('SavedRun from records', () => {
  it("keeps each request's times and derived metrics (the hand-checked fixture), not its chunks", () => {
    const run = savedRunFromRecords(RESULT, [record()]);
    const [p] = run.requests;
    // Fixture: sent 110, content 160/170/185/210, end 212, 4 output tokens.
    expect(p).toMatchObject({ seq: 0, sentAtMs: 110, endAtMs: 212, ok: true, ttftMs: 50, latencyMs: 102, scheduleLagMs: 10, errorKind: null });
    expect(p?.tpotMs).toBeCloseTo(52 / 3, 12);
    expect(p?.outputTps).toBeCloseTo(4 / 0.102, 9);
    expect(p).not.toHaveProperty('contentTimesMs');
  });

  it('aggregates ITL over successful requests only, into a CDF', () => {
    const failedWithChunks = record({ seq: 1, ok: false, status: null, error: { kind: 'connection_reset', message: 'reset' }, contentTimesMs: [160, 900] });
    const run = savedRunFromRecords(RESULT, [record(), failedWithChunks]);
    // Gaps 10, 15, 25 from the fixture; the failed request's 740 ms gap is not ITL.
    expect(run.itl?.count).toBe(3);
    expect(run.itl?.exact).toBe(true);
    const at = (q: number): number | undefined => run.itl?.points.find((pt) => pt.fraction === q)?.value;
    expect(at(0)).toBe(10);
    expect(at(0.5)).toBe(15);
    expect(at(1)).toBe(25);
  });

  it('has no ITL when no successful response had two chunks', () => {
    const run = savedRunFromRecords(RESULT, [record({ contentTimesMs: [160], outputTokens: 1, endAtMs: 161 })]);
    expect(run.itl).toBeNull();
    expect(run.requests[0]?.tpotMs).toBeNull();
  });

  it('records a failure with its kind and a bounded excerpt of the message, and no latency metrics', () => {
    const message = 'x'.repeat(ERROR_EXCERPT_CHARS * 3);
    const run = savedRunFromRecords(RESULT, [record({ ok: false, status: 503, error: { kind: 'http_status', message }, contentTimesMs: [] })]);
    const [p] = run.requests;
    expect(p).toMatchObject({ ok: false, status: 503, errorKind: 'http_status', ttftMs: null, tpotMs: null, outputTps: null });
    expect(p?.errorMessage).toHaveLength(ERROR_EXCERPT_CHARS);
  });

  it('orders requests by seq whatever order they finished in', () => {
    const run = savedRunFromRecords(RESULT, [record({ seq: 2 }), record({ seq: 0 }), record({ seq: 1 })]);
    expect(run.requests.map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it('counts skipped lines and keeps the first few reasons', () => {
    const b = createSavedRunBuilder();
    for (let i = 1; i <= 7; i++) b.skip(i * 10, 'not valid JSON');
    const run = b.finish(savedRunFromRecords(RESULT, []).result);
    expect(run.skipped.count).toBe(7);
    expect(run.skipped.examples).toHaveLength(5);
    expect(run.skipped.examples[0]).toBe('line 10: not valid JSON');
  });
});
