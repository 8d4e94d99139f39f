import { Command, CommanderError } from 'commander';
import { ConfigError, LlmloadError, type LlmloadErrorCode } from '../errors.js';
import { TOOL } from '../version.js';
import { normalizeFlagSpelling } from './argv.js';
import type { CliIo } from './io.js';
import { compareCommand } from './compare-command.js';
import { plotCommand } from './plot-command.js';
import { runCommand } from './run-command.js';
import { simCommand } from './sim-command.js';
import { sweepCommand } from './sweep-command.js';

/** Exit statuses: 2 for bad input (nothing was sent), 3 when the target fails its checks, 130 after Ctrl-C. */
const EXIT_CODE: Record<LlmloadErrorCode, number> = {
  LLMLOAD_CONFIG_INVALID: 2,
  LLMLOAD_TARGET_UNREACHABLE: 3,
  LLMLOAD_TARGET_REJECTED: 3,
  LLMLOAD_TARGET_FORBIDDEN: 3,
  LLMLOAD_NO_MODEL: 3,
  LLMLOAD_IO: 1,
};

/** Parse argv, run the command, map errors to messages and exit codes. Never exits the process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('llmload')
    .description('Load generator and benchmark for LLM inference servers')
    .version(TOOL.version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const output = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(s) };
  // addCommand does not pass the program's output settings on: each subcommand gets them, so its own
  // parse errors and help reach io, not the real process streams.
  for (const cmd of [runCommand(io), sweepCommand(io), compareCommand(io), simCommand(io), plotCommand(io)]) {
    program.addCommand(cmd.exitOverride().configureOutput(output));
  }
  try {
    await program.parseAsync(normalizeFlagSpelling(argv), { from: 'user' });
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; real parse errors are bad input.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`llmload: ${err.message}\nNothing was sent.\n`);
      return 2;
    }
    if (err instanceof LlmloadError) {
      io.stderr.write(`llmload: ${err.message} [${err.code}]\n`);
      return EXIT_CODE[err.code];
    }
    io.stderr.write(`llmload: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
