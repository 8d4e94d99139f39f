import { Command } from 'commander';
import { ConfigError, type ConfigProblem } from '../errors.js';
import {
  FAULT_KINDS,
  parseSimOptions,
  PROFILE_NAMES,
  resolveSimConfig,
  startSimulator,
  describeProfiles,
  type SimOptions,
} from '../sim/index.js';
import { parseNumberFlag } from './argv.js';
import type { CliIo } from './io.js';

/** Every valued flag: its spelling, the option it sets, and how its text is read. */
const FLAGS: { flag: string; field: keyof SimOptions; kind: 'number' | 'string' | 'list'; help: string }[] = [
  { flag: '--port', field: 'port', kind: 'number', help: 'TCP port (0: a free one)' },
  { flag: '--model', field: 'model', kind: 'string', help: 'the model name it serves (default llmload-sim)' },
  { flag: '--profile', field: 'profile', kind: 'string', help: `engine profile: ${PROFILE_NAMES.join(', ')} (see --list-profiles)` },
  { flag: '--ttft-ms', field: 'ttftMs', kind: 'number', help: 'fixed profile: time to first token (default 50; implies --profile fixed)' },
  { flag: '--itl-ms', field: 'itlMs', kind: 'number', help: 'fixed profile: time between tokens (default 10; implies --profile fixed)' },
  { flag: '--output-tokens', field: 'outputTokens', kind: 'number', help: 'fixed natural output length when a request sets no max_tokens' },
  { flag: '--mean-output-tokens', field: 'meanOutputTokens', kind: 'number', help: 'mean of the drawn output length otherwise (default 128)' },
  { flag: '--max-model-len', field: 'maxModelLen', kind: 'number', help: 'context window (default: the model\'s, capped at the KV cache)' },
  { flag: '--tokens-per-chunk', field: 'tokensPerChunk', kind: 'number', help: 'tokens per streamed event (default 1)' },
  { flag: '--seed', field: 'seed', kind: 'number', help: 'seed of outputs, fault kinds and step jitter (default 0)' },
  { flag: '--tokenizer', field: 'tokenizer', kind: 'string', help: 'prompt tokenizer: words, cl100k_base, o200k_base (default: the profile\'s)' },
  { flag: '--max-num-seqs', field: 'maxNumSeqs', kind: 'number', help: 'most running sequences (vLLM\'s flag; profile default 1024)' },
  { flag: '--max-num-batched-tokens', field: 'maxNumBatchedTokens', kind: 'number', help: 'token budget per step (vLLM\'s flag; default 8192)' },
  { flag: '--kv-cache-tokens', field: 'kvCacheTokens', kind: 'number', help: 'KV-cache capacity in tokens (default: derived from GPU memory)' },
  { flag: '--step-jitter', field: 'stepJitter', kind: 'number', help: 'step-time noise, +- share (default 0.02)' },
  { flag: '--step-overhead-ms', field: 'stepOverheadMs', kind: 'number', help: 'cost model: fixed cost per step' },
  { flag: '--mem-bandwidth-gbs', field: 'memBandwidthGBs', kind: 'number', help: 'cost model: peak memory bandwidth, GB/s, all GPUs' },
  { flag: '--mem-efficiency', field: 'memEfficiency', kind: 'number', help: 'cost model: share of peak bandwidth sustained (0-1]' },
  { flag: '--peak-tflops', field: 'peakTflops', kind: 'number', help: 'cost model: peak dense TFLOP/s, all GPUs' },
  { flag: '--compute-efficiency', field: 'computeEfficiency', kind: 'number', help: 'cost model: share of peak FLOP/s sustained (0-1]' },
  { flag: '--comm-ms-per-step', field: 'commMsPerStep', kind: 'number', help: 'cost model: tensor-parallel latency per step' },
  { flag: '--comm-ms-per-token', field: 'commMsPerToken', kind: 'number', help: 'cost model: tensor-parallel transfer per token' },
  { flag: '--fault-rate', field: 'faultRate', kind: 'number', help: 'share of generation requests that fail on purpose (default 0)' },
  { flag: '--faults', field: 'faults', kind: 'list', help: `fault kinds to draw from, comma-separated (default all: ${FAULT_KINDS.join(',')})` },
  { flag: '--fault-retry-after', field: 'faultRetryAfterSec', kind: 'number', help: 'Retry-After of the 429 and 503 faults, seconds (default 1)' },
  { flag: '--fault-slow-first-byte-ms', field: 'faultSlowFirstByteMs', kind: 'number', help: 'delay of the slow-first-byte fault (default 1000)' },
  { flag: '--fault-after-tokens', field: 'faultAfterTokens', kind: 'number', help: 'tokens sent before a cut, malformed chunk or stall (default 2)' },
  { flag: '--reasoning-tokens', field: 'reasoningTokens', kind: 'number', help: 'chat: the first N output tokens are reasoning, sent before the content (default 0)' },
  { flag: '--reasoning-field', field: 'reasoningField', kind: 'string', help: 'field of the reasoning text: reasoning_content (default) or reasoning' },
];

/** The option a flag's property lands on in commander's result: --max-num-seqs -> maxNumSeqs. */
const property = (flag: string): string => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `llmload sim`: the built-in simulated server on its own, until Ctrl-C. */
export function simCommand(io: CliIo): Command {
  const cmd = new Command('sim')
    .description('run the built-in simulated inference server (OpenAI completions and chat, /tokenize, /v1/models, /health, /metrics)')
    .option('--host <addr>', 'interface to bind', '127.0.0.1');
  for (const f of FLAGS) cmd.option(`${f.flag} <value>`, f.help);
  return cmd
    .option('--enable-prefix-caching', 'reuse the KV blocks of shared prompt prefixes (the default)')
    .option('--no-enable-prefix-caching', 'compute every prompt in full')
    .option('--ignore-length-hints', 'fault: ignore ignore_eos and min_tokens, so answers end at their natural length')
    .option('--list-profiles', 'print the engine profiles, their figures and sources, and exit')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      if (flags.listProfiles === true) {
        io.stdout.write(describeProfiles());
        return;
      }
      const problems: ConfigProblem[] = [];
      const raw: Record<string, unknown> = {
        host: flags.host,
        port: 8000,
        enablePrefixCaching: flags.enablePrefixCaching,
        ignoreLengthHints: flags.ignoreLengthHints,
      };
      for (const f of FLAGS) {
        const value = flags[property(f.flag)];
        if (typeof value !== 'string') continue;
        if (f.kind === 'number') raw[f.field] = parseNumberFlag(f.flag, value, problems);
        else if (f.kind === 'list') raw[f.field] = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        else raw[f.field] = value;
      }
      let options: SimOptions | undefined;
      try {
        options = parseSimOptions(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // Name the flag the user typed rather than the option's field.
        const flagOf = (field: string): string => {
          const name = field.replace(/^sim\./, '').split('.')[0]!;
          const known = FLAGS.find((f) => f.field === name);
          return known ? known.flag : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        };
        problems.push(...err.problems.map((p) => ({ ...p, field: flagOf(p.field) })));
      }
      if (problems.length || !options) throw new ConfigError(problems);
      const config = resolveSimConfig(options);
      const sim = await startSimulator(options);
      const notes =
        (options.faultRate > 0 ? ` Faults: ${options.faultRate * 100}% of requests (${options.faults.join(', ')}).` : '') +
        (options.ignoreLengthHints ? ' Ignoring ignore_eos and min_tokens.' : '') +
        (options.reasoningTokens > 0 ? ` Chat answers start with ${options.reasoningTokens} reasoning tokens in "${options.reasoningField}".` : '');
      io.stderr.write(
        `llmload sim: serving model "${options.model}" (profile ${config.profile.name}: ${config.profile.description}) at ${sim.url} ` +
          `(POST /v1/completions, /v1/chat/completions, /tokenize, /detokenize; GET /v1/models, /health, /metrics).${notes} Ctrl-C stops it.\n`,
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
