import { Command } from 'commander';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { parseSimOptions, startSimulator } from '../sim/index.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';

interface SimFlags {
  host: string;
  port?: string;
  model?: string;
  ttftMs?: string;
  itlMs?: string;
  outputTokens?: string;
  meanOutputTokens?: string;
  tokensPerChunk?: string;
  seed?: string;
}

/** `llmload sim`: the built-in simulated server on its own, until Ctrl-C. */
export function simCommand(io: CliIo): Command {
  return new Command('sim')
    .description('run the built-in simulated inference server (OpenAI completions and chat, /v1/models, /health)')
    .option('--host <addr>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port (0: a free one)', '8000')
    .option('--model <name>', 'the model name it serves (default llmload-sim)')
    .option('--ttft-ms <ms>', 'time to first token (default 50)')
    .option('--itl-ms <ms>', 'time between tokens (default 10)')
    .option('--output-tokens <n>', 'fixed output length when a request sets no max_tokens')
    .option('--mean-output-tokens <n>', 'mean of the drawn output length otherwise (default 128)')
    .option('--tokens-per-chunk <n>', 'tokens per streamed event (default 1)')
    .option('--seed <n>', 'seed of the simulated outputs (default 0)')
    .action(async (flags: SimFlags) => {
      const problems: ConfigProblem[] = [];
      const num = (flag: string, raw: string | undefined): number | undefined => parseNumberFlag(flag, raw, problems);
      const raw = {
        host: flags.host,
        port: num('--port', flags.port),
        model: flags.model,
        ttftMs: num('--ttft-ms', flags.ttftMs),
        itlMs: num('--itl-ms', flags.itlMs),
        outputTokens: num('--output-tokens', flags.outputTokens),
        meanOutputTokens: num('--mean-output-tokens', flags.meanOutputTokens),
        tokensPerChunk: num('--tokens-per-chunk', flags.tokensPerChunk),
        seed: num('--seed', flags.seed),
      };
      let options;
      try {
        options = parseSimOptions(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // Name the flag the user typed rather than the option's field.
        problems.push(...err.problems.map((p) => ({ ...p, field: `--${p.field.replace(/^sim\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` })));
      }
      if (problems.length || !options) throw new ConfigError(problems);
      const sim = await startSimulator(options);
      io.stderr.write(
        `llmload sim: serving model "${options.model}" at ${sim.url} (POST /v1/completions, /v1/chat/completions; GET /v1/models, /health). Ctrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        const off = io.onInterrupt(() => {
          off();
          resolve();
        });
      });
      await sim.close();
      io.stderr.write('llmload sim: stopped.\n');
    });
}
