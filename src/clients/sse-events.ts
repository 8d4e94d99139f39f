/**
 * Server-sent events out of a timed response body, for the OpenAI-style protocols. The line grammar
 * (CR, LF and CRLF endings, comments, multi-line `data:`) is left to `eventsource-parser`; this file
 * adds what a benchmark needs on top: UTF-8 decoding across chunk boundaries, the arrival time of the
 * chunk that completed each event, and a report of what the body ended in the middle of.
 */
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import type { TimedChunk } from './protocol.js';

/** One dispatched event. */
export interface SseEvent {
  /** The event's `data:` lines joined with "\n", as the SSE spec joins them. */
  data: string;
  /** Arrival time (ms) of the network chunk during whose parse the event was completed. */
  atMs: number;
}

/** Everything read from one SSE body. */
export interface SseParseResult {
  events: SseEvent[];
  /**
   * Set when the body ended inside an event: `data:` lines with no blank line after them, or a line
   * cut short so that it is no valid field. The spec drops such an event; its data (or the cut line)
   * is kept here so a client can report a truncated stream with an excerpt.
   */
  partial?: string;
  /**
   * The first line that is not an SSE field, e.g. a plain JSON error body sent in answer to a
   * streaming request. The spec ignores such lines; a client may use it to explain a stream that
   * never ended properly.
   */
  strayLine?: string;
}

/** The Accept header for an SSE response. */
export const SSE_ACCEPT = 'text/event-stream';

const LF = 10;
const CR = 13;

/**
 * Parse a complete (or cut-short) SSE body. Pure; the same chunks give the same events whatever byte
 * positions the body was split at, except for each event's `atMs`, which is the arrival time of the
 * chunk holding the end of the blank line that dispatched it.
 */
export function parseSseEvents(chunks: readonly TimedChunk[]): SseParseResult {
  const events: SseEvent[] = [];
  let atMs = 0;
  let flushing = false;
  let partial: string | undefined;
  let strayLine: string | undefined;

  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      if (flushing) partial = message.data;
      else events.push({ data: message.data, atMs });
    },
    onError(error: ParseError) {
      // 'invalid-retry' concerns reconnection only, which a benchmark never does.
      if (error.type !== 'unknown-field') return;
      const line = error.line ?? error.field ?? '';
      strayLine ??= line;
      if (flushing) partial ??= line;
    },
  });

  // A CR at the very end of a piece is ambiguous until the next byte: a bare-CR line ending, or the
  // first half of a CRLF. The parser waits for more input, which would credit the event to the next
  // chunk (or, at the end of the body, mistake it for a cut-off one). Resolve it now instead: send the
  // CR as CRLF and drop an LF that opens the next piece, since that LF ends the same line.
  let dropLeadingLf = false;
  const feed = (text: string): void => {
    if (text.length === 0) return;
    if (dropLeadingLf) {
      dropLeadingLf = false;
      if (text.charCodeAt(0) === LF) {
        text = text.slice(1);
        if (text.length === 0) return;
      }
    }
    if (text.charCodeAt(text.length - 1) === CR) {
      text += '\n';
      dropLeadingLf = true;
    }
    parser.feed(text);
  };

  // One decoder in streaming mode, so a multi-byte character split between chunks is decoded whole.
  const decoder = new TextDecoder();
  for (const chunk of chunks) {
    atMs = chunk.atMs;
    feed(decoder.decode(chunk.bytes, { stream: true }));
  }
  feed(decoder.decode()); // bytes of a character the body ended inside become U+FFFD

  // End the body with a blank line: whatever the parser now dispatches (or rejects as a cut field)
  // was still open when the body ended. reset({consume:true}) would parse the last line but drop the
  // event silently, and we need to see it.
  flushing = true;
  parser.feed('\n\n');

  const result: SseParseResult = { events };
  if (partial !== undefined) result.partial = partial;
  if (strayLine !== undefined) result.strayLine = strayLine;
  return result;
}
