#!/usr/bin/env node
import { runCli } from './cli.js';

// The only place that touches the real process: argv, env, signals, exit code.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  exitCode: 0,
});
process.exitCode = code;
