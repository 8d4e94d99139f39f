/**
 * Lines of newline-delimited JSON out of a timed response body, for Ollama and vLLM's legacy server.
 * A record ends at "\n" (an "\r" before it is dropped) or at "\0": vLLM's legacy `/generate` ended
 * each object with a NUL byte before it switched to newlines. Splitting at NUL is safe for every
 * protocol, because a raw NUL cannot occur inside valid JSON text (strings must escape it).
 */
import type { TimedChunk } from './protocol.js';

/** One non-blank line, without its line ending. */
export interface NdjsonLine {
  text: string;
  /** Arrival time (ms) of the chunk that held the line's terminator (for the unterminated last line: its last byte). */
  atMs: number;
}

/** Everything read from one NDJSON body. */
export interface NdjsonParseResult {
  lines: NdjsonLine[];
  /**
   * The last line had no terminator. It is still listed, since many servers omit the final newline,
   * but a last line that does not parse is then a cut-off stream rather than a malformed one.
   */
  lastUnterminated: boolean;
}

/** The Accept header for a newline-delimited JSON response (Ollama's own Content-Type). */
export const NDJSON_ACCEPT = 'application/x-ndjson';

const SPACE = 32;

/** Split a complete (or cut-short) body into lines. Pure; any split of the bytes gives the same texts. */
export function parseNdjsonLines(chunks: readonly TimedChunk[]): NdjsonParseResult {
  const lines: NdjsonLine[] = [];
  // A line spread over many chunks is kept as fragments and joined once, so that a long line arriving
  // in small pieces costs linear, not quadratic, time.
  const pending: string[] = [];
  let pendingAtMs = 0;

  const take = (text: string, atMs: number): void => {
    let start = 0;
    let lf = text.indexOf('\n');
    let nul = text.indexOf('\0');
    while (lf !== -1 || nul !== -1) {
      const end = nul === -1 || (lf !== -1 && lf < nul) ? lf : nul;
      let line = text.slice(start, end);
      if (pending.length > 0) {
        pending.push(line);
        line = pending.join('');
        pending.length = 0;
      }
      pushLine(lines, line, atMs);
      start = end + 1;
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (nul !== -1 && nul < start) nul = text.indexOf('\0', start);
    }
    if (start < text.length) {
      pending.push(start === 0 ? text : text.slice(start));
      pendingAtMs = atMs;
    }
  };

  // One decoder in streaming mode, so a multi-byte character split between chunks is decoded whole.
  const decoder = new TextDecoder();
  let lastAtMs = 0;
  for (const chunk of chunks) {
    lastAtMs = chunk.atMs;
    take(decoder.decode(chunk.bytes, { stream: true }), chunk.atMs);
  }
  take(decoder.decode(), lastAtMs); // bytes of a character the body ended inside become U+FFFD

  const before = lines.length;
  if (pending.length > 0) pushLine(lines, pending.join(''), pendingAtMs);
  return { lines, lastUnterminated: lines.length > before };
}

/** Append `line` unless it is blank, dropping the "\r" of a CRLF ending. */
function pushLine(lines: NdjsonLine[], line: string, atMs: number): void {
  if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
  if (line.length === 0) return;
  // Only a line that starts with whitespace can be blank; checking the first character keeps the
  // common case free of a trim() copy.
  if (line.charCodeAt(0) <= SPACE && line.trim().length === 0) return;
  lines.push({ text: line, atMs });
}
