import { describe, it, expect } from 'vitest';
import type { TimedChunk } from './protocol.js';
import { parseNdjsonLines } from './ndjson-lines.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at startMs + 10 i. */
function timed(parts: readonly string[], startMs = 100): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: startMs + 10 * i, bytes: encoder.encode(part) }));
}

// Ollama-like lines with CRLF endings, blank and whitespace-only lines, multi-byte characters, and a
// last line without a newline (which servers often leave out).
const BODY =
  '{"response":"héllo","done":false}\r\n' +
  '\n' +
  '{"response":" 世界","done":false}\n' +
  '   \r\n' +
  '{"response":"🎉","done":false}\n' +
  '{"response":"","done":true}';

const EXPECTED_TEXTS = [
  '{"response":"héllo","done":false}',
  '{"response":" 世界","done":false}',
  '{"response":"🎉","done":false}',
  '{"response":"","done":true}',
];

describe('parseNdjsonLines', () => {
  const bytes = encoder.encode(BODY);
  // Byte index of the "\n" ending each line (counted by hand: é is 2 bytes, 世 and 界 3, 🎉 4); the
  // unterminated last line ends with the body's last byte.
  const endAt = [35, 72, 110, 137];

  it('splits a realistic body, dropping CR and blank lines, and flags the unterminated last line', () => {
    const result = parseNdjsonLines([{ atMs: 5, bytes }]);
    expect(result.lines).toEqual(EXPECTED_TEXTS.map((text) => ({ text, atMs: 5 })));
    expect(result.lastUnterminated).toBe(true);
  });

  it('gives the same lines at every split point, each timed by the chunk that held its end', () => {
    expect(bytes.length).toBe(138);
    for (let p = 0; p <= bytes.length; p++) {
      const chunks = [
        { atMs: 10, bytes: bytes.subarray(0, p) },
        { atMs: 20, bytes: bytes.subarray(p) },
      ];
      const expected = EXPECTED_TEXTS.map((text, i) => ({ text, atMs: endAt[i]! < p ? 10 : 20 }));
      const result = parseNdjsonLines(chunks);
      expect(result.lines, `split at byte ${p}`).toEqual(expected);
      expect(result.lastUnterminated).toBe(true);
    }
  });

  it('gives the same lines in one-byte chunks', () => {
    const chunks = Array.from(bytes, (_, i) => ({ atMs: i, bytes: bytes.subarray(i, i + 1) }));
    expect(parseNdjsonLines(chunks).lines).toEqual(EXPECTED_TEXTS.map((text, i) => ({ text, atMs: endAt[i]! })));
  });

  it('splits at NUL bytes as well as newlines (vLLM legacy /generate)', () => {
    const result = parseNdjsonLines(timed(['{"text":["a"]}\0{"text":["ab"]}', '\0{"text":["abc"]}\0']));
    expect(result.lines).toEqual([
      { text: '{"text":["a"]}', atMs: 100 },
      { text: '{"text":["ab"]}', atMs: 110 },
      { text: '{"text":["abc"]}', atMs: 110 },
    ]);
    expect(result.lastUnterminated).toBe(false);
  });

  it('joins a line spread over many chunks and times it by the chunk with its newline', () => {
    const result = parseNdjsonLines(timed(['{"resp', 'onse":', '"x"}', '\n{"done":true}\n']));
    expect(result.lines).toEqual([
      { text: '{"response":"x"}', atMs: 130 },
      { text: '{"done":true}', atMs: 130 },
    ]);
    expect(result.lastUnterminated).toBe(false);
  });

  it('handles a CRLF split between chunks', () => {
    const result = parseNdjsonLines(timed(['{"a":1}\r', '\n{"b":2}\r\n']));
    expect(result.lines).toEqual([
      { text: '{"a":1}', atMs: 110 },
      { text: '{"b":2}', atMs: 110 },
    ]);
  });

  it('does not flag a body whose trailing bytes are blank', () => {
    expect(parseNdjsonLines(timed(['{"a":1}\n', '  '])).lastUnterminated).toBe(false);
  });

  it('times an unterminated last line by the chunk that brought its last byte', () => {
    const result = parseNdjsonLines(timed(['{"a":1}\n{"b"', ':2}', '']));
    expect(result.lines).toEqual([
      { text: '{"a":1}', atMs: 100 },
      { text: '{"b":2}', atMs: 110 },
    ]);
    expect(result.lastUnterminated).toBe(true);
  });

  it('returns nothing for an empty body', () => {
    expect(parseNdjsonLines([])).toEqual({ lines: [], lastUnterminated: false });
  });
});
