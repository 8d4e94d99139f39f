import { describe, expect, it } from 'vitest';
import { record } from '../../../test/helpers/record-fixture.js';
import { deriveRequestMetrics } from './derive.js';
import { createSummaryAccumulator, summarizeRecords } from './summary.js';

describe('length checks', () => {
  it('counts outputs more than one token off what was asked, short and long apart', () => {
    const s = summarizeRecords([
      record({ requestedOutputTokens: 4, outputTokens: 4 }),
      record({ requestedOutputTokens: 5, outputTokens: 4 }), // within one: fine
      record({ requestedOutputTokens: 10, outputTokens: 4 }), // short
      record({ requestedOutputTokens: 2, outputTokens: 4 }), // long
      record({ requestedOutputTokens: null, outputTokens: 4 }), // nothing asked: not checked
      record({ requestedOutputTokens: 10, outputTokens: 0, ok: false, error: { kind: 'timeout', message: 'x' } }), // failed: not checked
    ]);
    expect(s.lengthChecks?.output).toEqual({ checked: 4, mismatched: 2, short: 1, long: 1 });
  });

  it('finds the template overhead per shape and counts requests away from it as mismatches', () => {
    const rs = [
      ...[7, 7, 7, 8, 7].map((t) => record({ templateTokens: t, messages: 2 })),
      record({ templateTokens: 15, messages: 2 }), // a tokenizer disagreement
      ...[1, 1].map((t) => record({ templateTokens: t, messages: 0 })),
      record({ templateTokens: null }),
    ];
    const s = summarizeRecords(rs);
    expect(s.lengthChecks?.input).toEqual({ checked: 8, mismatched: 1, templateTokens: { 'messages=2': 7, text: 1 } });
    // Merged halves give the same answer as the whole.
    const a = createSummaryAccumulator();
    const b = createSummaryAccumulator();
    rs.forEach((r, i) => (i % 2 ? a : b).add(r));
    a.merge(b);
    expect(a.summarize().lengthChecks).toEqual(s.lengthChecks);
  });
});

describe('reasoning', () => {
  it('TTFOT is the first answer chunk; equal to TTFT without reasoning; null with no answer', () => {
    expect(deriveRequestMetrics(record()).ttfotMs).toBe(50);
    const reasoned = record({ reasoningTimesMs: [160, 170], firstAnswerAtMs: 185, reasoningTokens: 2 });
    expect(deriveRequestMetrics(reasoned).ttftMs).toBe(50);
    expect(deriveRequestMetrics(reasoned).ttfotMs).toBe(75);
    const noAnswer = record({ reasoningTimesMs: [160, 170, 185, 210], firstAnswerAtMs: null, reasoningTokens: 4 });
    expect(deriveRequestMetrics(noAnswer).ttfotMs).toBeNull();
    const s = summarizeRecords([record(), reasoned, noAnswer]);
    expect(s.reasoning).toEqual({ requests: 2, tokens: 6, noAnswer: 1 });
    expect(s.ttfotMs?.count).toBe(2);
    expect(s.ttfotMs?.max).toBe(75);
  });
});
