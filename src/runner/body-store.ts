import type { TimedChunk } from '../clients/protocol.js';

/**
 * A response body as it arrives: the bytes copied into one growing buffer, and per network read its
 * arrival time and end offset.
 *
 * Why copy: the Buffers undici hands over are often slices of a larger socket read buffer, so keeping
 * them until the response ends keeps every slab alive — memory grows with tokens in flight and the
 * garbage collector pauses grow with it. One copy per read (a few hundred bytes) lets each slab die
 * young, and the store holds just the bytes and two numbers per read.
 */
export interface BodyStore {
  /** Append one read, stamped `atMs`. Keeps at most `maxBytes` (the rest is counted, not kept). */
  push(atMs: number, bytes: Uint8Array): void;
  /** The reads as timed chunks (views into the store, no copy). */
  chunks(): TimedChunk[];
  readonly byteLength: number;
  /** Bytes received beyond `maxBytes` and dropped. */
  readonly droppedBytes: number;
}

export function createBodyStore(maxBytes = Infinity): BodyStore {
  let buf = Buffer.allocUnsafe(0);
  let used = 0;
  let dropped = 0;
  const times: number[] = [];
  const ends: number[] = [];
  return {
    push(atMs, bytes) {
      const room = Math.max(0, Math.min(bytes.length, maxBytes - used));
      dropped += bytes.length - room;
      if (room === 0) return;
      if (used + room > buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(1024, buf.length * 2, used + room));
        buf.copy(grown, 0, 0, used);
        buf = grown;
      }
      buf.set(room === bytes.length ? bytes : bytes.subarray(0, room), used);
      used += room;
      times.push(atMs);
      ends.push(used);
    },
    chunks() {
      const out: TimedChunk[] = new Array(times.length);
      let start = 0;
      for (let i = 0; i < times.length; i++) {
        const end = ends[i] as number;
        out[i] = { atMs: times[i] as number, bytes: buf.subarray(start, end) };
        start = end;
      }
      return out;
    },
    get byteLength() {
      return used;
    },
    get droppedBytes() {
      return dropped;
    },
  };
}
