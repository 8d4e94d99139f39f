import { describe, it, expect } from 'vitest';
import { createRng } from '../core/arrival/rng.js';
import type { TimedChunk } from './protocol.js';
import { parseSseEvents } from './sse-events.js';

const encoder = new TextEncoder();

/** One chunk per string, the i-th arriving at startMs + 10 i. */
function timed(parts: readonly string[], startMs = 100): TimedChunk[] {
  return parts.map((part, i) => ({ atMs: startMs + 10 * i, bytes: encoder.encode(part) }));
}

/** `bytes` cut at the given ascending positions, the i-th piece arriving at times[i]. */
function cut(bytes: Uint8Array, positions: readonly number[], times: readonly number[]): TimedChunk[] {
  const edges = [0, ...positions, bytes.length];
  return edges.slice(1).map((end, i) => ({ atMs: times[i]!, bytes: bytes.subarray(edges[i]!, end) }));
}

// A body as vLLM-like servers send it, plus the awkward parts of the spec: a comment before the first
// event and between events, an `id:` and `event:` field, a multi-line data field, and multi-byte
// characters (2, 3 and 4 bytes in UTF-8) for the decoder to reassemble when a split falls inside one.
const BODY_LF =
  ': keep-alive\n' +
  'data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n' +
  ': ping\n' +
  'data: {"choices":[{"delta":{"content":"héllo"}}]}\n\n' +
  'id: 7\nevent: message\ndata: {"choices":[{"delta":{"content":" 世界"}}]}\n\n' +
  'data: first line\ndata:second line\ndata:  indented\n\n' +
  'data: {"choices":[{"delta":{"content":"🎉"}}]}\n\n' +
  'data: [DONE]\n\n';

const EXPECTED_DATA = [
  '{"choices":[{"delta":{"role":"assistant","content":""}}]}',
  '{"choices":[{"delta":{"content":"héllo"}}]}',
  '{"choices":[{"delta":{"content":" 世界"}}]}',
  'first line\nsecond line\n indented',
  '{"choices":[{"delta":{"content":"🎉"}}]}',
  '[DONE]',
];

/** Byte index at which each event of `body` is complete: the byte that ends its blank line's first terminator char. */
function completionIndexes(bytes: Uint8Array, terminator: string, offsetInTerminator: number): number[] {
  const t = encoder.encode(terminator);
  const out: number[] = [];
  for (let i = 0; i + t.length <= bytes.length; i++) {
    if (t.every((b, k) => bytes[i + k] === b)) {
      out.push(i + offsetInTerminator);
      i += t.length - 1;
    }
  }
  return out;
}

const VARIANTS = [
  // For LF the event completes at the second "\n"; for CRLF at the CR of the blank line (a CR is a
  // line ending in its own right); for CR at the second "\r".
  { name: 'LF', body: BODY_LF, terminator: '\n\n', offset: 1 },
  { name: 'CRLF', body: BODY_LF.replaceAll('\n', '\r\n'), terminator: '\r\n\r\n', offset: 2 },
  { name: 'CR', body: BODY_LF.replaceAll('\n', '\r'), terminator: '\r\r', offset: 1 },
];

describe('parseSseEvents', () => {
  for (const { name, body, terminator, offset } of VARIANTS) {
    const bytes = encoder.encode(body);
    const doneAt = completionIndexes(bytes, terminator, offset);

    it(`${name}: reads every event of a realistic body in one chunk`, () => {
      expect(doneAt).toHaveLength(EXPECTED_DATA.length);
      const result = parseSseEvents([{ atMs: 42, bytes }]);
      expect(result.events).toEqual(EXPECTED_DATA.map((data) => ({ data, atMs: 42 })));
      expect(result.partial).toBeUndefined();
      expect(result.strayLine).toBeUndefined();
    });

    it(`${name}: gives the same events at every split point, each timed by the chunk that completed it`, () => {
      for (let p = 0; p <= bytes.length; p++) {
        const result = parseSseEvents(cut(bytes, [p], [10, 20]));
        const expected = EXPECTED_DATA.map((data, i) => ({ data, atMs: doneAt[i]! < p ? 10 : 20 }));
        expect(result.events, `split at byte ${p}`).toEqual(expected);
        expect(result.partial, `split at byte ${p}`).toBeUndefined();
      }
    });

    it(`${name}: gives the same events in one-byte chunks`, () => {
      const chunks = Array.from(bytes, (_, i) => ({ atMs: i, bytes: bytes.subarray(i, i + 1) }));
      const result = parseSseEvents(chunks);
      expect(result.events).toEqual(EXPECTED_DATA.map((data, i) => ({ data, atMs: doneAt[i]! })));
    });

    it(`${name}: gives the same events under random multi-way splits`, () => {
      const rng = createRng(2024);
      for (let trial = 0; trial < 200; trial++) {
        const positions = Array.from({ length: 1 + rng.int(8) }, () => rng.int(bytes.length + 1));
        positions.sort((a, b) => a - b);
        const times = positions.map((_, i) => i).concat(positions.length);
        const result = parseSseEvents(cut(bytes, positions, times));
        // The chunk holding byte k is the number of cut positions at or before k.
        const expected = EXPECTED_DATA.map((data, i) => ({
          data,
          atMs: positions.filter((q) => q <= doneAt[i]!).length,
        }));
        expect(result.events, `cuts at ${positions.join(',')}`).toEqual(expected);
      }
    });
  }

  it('times each event by the arrival of the chunk that held its blank line', () => {
    const result = parseSseEvents(timed(['data: a\n', '\ndata: b\n\ndata: c', '\n', '\n']));
    expect(result.events).toEqual([
      { data: 'a', atMs: 110 },
      { data: 'b', atMs: 110 },
      { data: 'c', atMs: 130 },
    ]);
  });

  it('credits a CR-terminated event to the chunk holding the CR, not the one after', () => {
    const result = parseSseEvents(timed(['data: a\r\r', 'data: b\r', '\r']));
    expect(result.events).toEqual([
      { data: 'a', atMs: 100 },
      { data: 'b', atMs: 120 },
    ]);
  });

  it('ignores comments, including a comment-only body', () => {
    expect(parseSseEvents(timed([': keep-alive\n\n: keep-alive\n\n']))).toEqual({ events: [] });
  });

  it('decodes a 4-byte character split across chunks at every inner byte', () => {
    const bytes = encoder.encode('data: 🎉\n\n');
    for (let p = 7; p <= 9; p++) {
      expect(parseSseEvents(cut(bytes, [p], [1, 2])).events).toEqual([{ data: '🎉', atMs: 2 }]);
    }
  });

  describe('a body that ends inside an event', () => {
    it('reports data lines with no blank line after them', () => {
      const result = parseSseEvents(timed(['data: a\n\ndata: b\ndata: c\n']));
      expect(result.events).toEqual([{ data: 'a', atMs: 100 }]);
      expect(result.partial).toBe('b\nc');
    });

    it('reports a data line cut short', () => {
      expect(parseSseEvents(timed(['data: a\n\ndata: {"cho'])).partial).toBe('{"cho');
    });

    it('reports a field name cut short', () => {
      const result = parseSseEvents(timed(['data: a\n\nda']));
      expect(result.events).toEqual([{ data: 'a', atMs: 100 }]);
      expect(result.partial).toBe('da');
    });

    it('reports a data line ended by a lone CR but no blank line', () => {
      expect(parseSseEvents(timed(['data: a\r'])).partial).toBe('a');
    });

    it('reports a multi-byte character cut short as U+FFFD', () => {
      const bytes = encoder.encode('data: 🎉').subarray(0, 8);
      expect(parseSseEvents([{ atMs: 1, bytes }]).partial).toBe('\uFFFD');
    });

    it('does not report a cut comment, or a body ending on a blank line', () => {
      expect(parseSseEvents(timed(['data: a\n\n: keep-al'])).partial).toBeUndefined();
      expect(parseSseEvents(timed(['data: a\r\n\r\n'])).partial).toBeUndefined();
    });
  });

  it('keeps the first line that is not an SSE field', () => {
    const result = parseSseEvents(timed(['{"error":{"message":"model not found"}}\n', 'junk\n']));
    expect(result.events).toEqual([]);
    expect(result.strayLine).toBe('{"error":{"message":"model not found"}}');
    expect(result.partial).toBeUndefined();
  });

  it('returns nothing for an empty body', () => {
    expect(parseSseEvents([])).toEqual({ events: [] });
  });
});
