import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/** A CliIo whose output is captured as text and whose Ctrl-C is a function the test calls. */
export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  /** Deliver Ctrl-C to whatever subscribed. */
  interrupt(): void;
}

function captureStream(parts: string[]): NodeJS.WriteStream {
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      parts.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  // Not a TTY: the CLI shows no progress bar, as in a CI log.
  return Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream;
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Set<() => void>();
  return {
    io: {
      stdout: captureStream(out),
      stderr: captureStream(err),
      env,
      onInterrupt(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
      exitCode: 0,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    interrupt: () => handlers.forEach((h) => h()),
  };
}
