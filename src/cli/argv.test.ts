import { describe, expect, it } from 'vitest';
import { normalizeFlagSpelling, parseNumberFlag } from './argv.js';

describe('normalizeFlagSpelling', () => {
  it("accepts the seed's snake_case flags as kebab-case, values untouched", () => {
    expect(
      normalizeFlagSpelling(['run', '--total_requests', '5', '--word_lambda=3', '--label', 'a_b', '--max-concurrency', '2']),
    ).toEqual(['run', '--total-requests', '5', '--word-lambda=3', '--label', 'a_b', '--max-concurrency', '2']);
  });
  it('leaves everything after -- alone', () => {
    expect(normalizeFlagSpelling(['--', '--a_b'])).toEqual(['--', '--a_b']);
  });
});

describe('parseNumberFlag', () => {
  it('parses numbers and inf; collects problems naming the flag', () => {
    const problems: { field: string; message: string }[] = [];
    expect(parseNumberFlag('--rate', '2.5', problems)).toBe(2.5);
    expect(parseNumberFlag('--rate', 'inf', problems, { allowInfinity: true })).toBe(Infinity);
    expect(parseNumberFlag('--rate', undefined, problems)).toBeUndefined();
    expect(parseNumberFlag('--rate', 'fast', problems)).toBeUndefined();
    expect(parseNumberFlag('--seed', '', problems)).toBeUndefined();
    expect(problems).toEqual([
      { field: '--rate', message: '"fast" is not a number' },
      { field: '--seed', message: '"" is not a number' },
    ]);
  });
});
