/**
 * Everything the CLI touches of the process, passed in: tests run the CLI in-process with their own
 * streams and environment, and only main.ts knows about the real process.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
  /** Subscribe to Ctrl-C / SIGTERM; returns the unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
  /** Set by a command when it finishes. */
  exitCode: number;
}
