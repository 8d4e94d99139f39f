/**
 * Options of the built-in simulated inference server. Validated here, at the boundary, so the engine
 * and the HTTP layer can trust them. Options are plain data (they cross into a worker thread);
 * `resolveSimConfig` turns them, with the chosen profile, into what the server runs.
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { BatchEngineConfig } from './engine/batch-scheduler.js';
import {
  DEFAULT_PROFILE,
  deriveCoefficients,
  deriveKvCacheTokens,
  KV_BLOCK_SIZE,
  kvBytesPerToken,
  parameterCount,
  PROFILE_NAMES,
  PROFILES,
  type EngineProfile,
} from './engine/profiles.js';
import { FAULT_KINDS } from './faults.js';
import { TOKENIZER_NAMES, type PromptFormat, type TokenizerName } from './prompt-tokens.js';
import type { GpuMemoryModel } from './sim-metrics.js';

const positive = z.number().positive().finite();
const share = z.number().gt(0).max(1);

/** Options that only the continuous-batching profiles read. */
const BATCHED_ONLY = [
  'maxNumSeqs',
  'maxNumBatchedTokens',
  'kvCacheTokens',
  'enablePrefixCaching',
  'stepJitter',
  'stepOverheadMs',
  'memBandwidthGBs',
  'memEfficiency',
  'peakTflops',
  'computeEfficiency',
  'commMsPerStep',
  'commMsPerToken',
] as const;

/** Options that only the fixed profile reads. */
const FIXED_ONLY = ['ttftMs', 'itlMs'] as const;

/** The zod schema of {@link SimOptions}. Profile-dependent options have no default here. */
export const simOptionsSchema = z.strictObject({
  /** Interface to bind. Loopback by default: the simulator is a local stand-in, not a service. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 asks the OS for a free one (read the chosen port from the handle). */
  port: z.number().int().min(0).max(65_535).default(0),
  /** The one model the server serves; requests naming another get a 404 as from vLLM. */
  model: z.string().min(1).default('llmload-sim'),
  /**
   * Engine profile (engine/profiles.ts). Unset: `fixed` when ttftMs or itlMs is given, else the
   * realistic default (Llama 3.1 8B on one H100).
   */
  profile: z.enum(PROFILE_NAMES).optional(),
  /** Fixed profile: time to first token, from the arrival of the request's headers (default 50). */
  ttftMs: z.number().min(0).max(3_600_000).optional(),
  /** Fixed profile: inter-token latency; token k (0-based) is due at ttftMs + k * itlMs (default 10). */
  itlMs: z.number().min(0).max(3_600_000).optional(),
  /** Fixed natural output length (where the model would emit EOS); unset: lognormal draws. */
  outputTokens: z.number().int().min(1).optional(),
  /** Mean of the drawn natural output length. */
  meanOutputTokens: z.number().min(1).max(1_000_000).default(128),
  /** Context window; default 32768 (fixed) or the model's, capped at the KV-cache capacity. */
  maxModelLen: z.number().int().min(2).optional(),
  /** Seed of every random choice: outputs, fault kinds, step-time jitter. */
  seed: z.number().int().default(0),
  /** Tokens per streamed event (vLLM's stream interval; >1 also mimics speculative decoding). */
  tokensPerChunk: z.number().int().min(1).default(1),
  /** Prompt tokenizer; default: the profile's (words for fixed, cl100k_base for the Llama profiles). */
  tokenizer: z.enum(TOKENIZER_NAMES).optional(),
  /** Most sequences running at once (vLLM's max_num_seqs). */
  maxNumSeqs: z.number().int().min(1).optional(),
  /** Token budget of one step (vLLM's max_num_batched_tokens); long prompts are prefilled in chunks. */
  maxNumBatchedTokens: z.number().int().min(1).optional(),
  /** KV-cache capacity in tokens (rounded down to 16-token blocks); default: derived from GPU memory. */
  kvCacheTokens: z.number().int().min(KV_BLOCK_SIZE).optional(),
  /** Automatic prefix caching (vLLM V1's default: on). */
  enablePrefixCaching: z.boolean().optional(),
  /** Step-time noise: each step's duration is scaled by a uniform draw in [1 - j, 1 + j] (default 0.02). */
  stepJitter: z.number().min(0).max(0.5).optional(),
  /** Cost-model overrides (engine/step-time.ts); rates are totals over the server's GPUs. */
  stepOverheadMs: z.number().min(0).finite().optional(),
  memBandwidthGBs: positive.optional(),
  memEfficiency: share.optional(),
  peakTflops: positive.optional(),
  computeEfficiency: share.optional(),
  commMsPerStep: z.number().min(0).finite().optional(),
  commMsPerToken: z.number().min(0).finite().optional(),
  /** Share of generation requests that fail on purpose (faults.ts); 0 for none. */
  faultRate: z.number().min(0).max(1).default(0),
  /** The fault kinds to draw from. */
  faults: z.array(z.enum(FAULT_KINDS)).min(1).default([...FAULT_KINDS]),
  /** Retry-After of the 429 and 503 faults, seconds. */
  faultRetryAfterSec: z.number().int().min(0).default(1),
  /** Delay of the slow-first-byte fault, ms. */
  faultSlowFirstByteMs: z.number().min(0).max(3_600_000).default(1000),
  /** Tokens sent before a cut, malformed chunk or stall (fewer when the answer is shorter). */
  faultAfterTokens: z.number().int().min(0).default(2),
  /**
   * Fault: ignore the requests' `ignore_eos` and `min_tokens`, so every answer ends at its natural
   * length (see outputTokens, meanOutputTokens) even below max_tokens, as behind a server or proxy
   * that drops those fields. For testing a client's check of the output lengths it asked for.
   */
  ignoreLengthHints: z.boolean().default(false),
  /**
   * Chat only: the first this many output tokens of every answer (fewer if it is shorter) are
   * reasoning, streamed in `reasoningField` before the content, as a reasoning model behind vLLM's
   * reasoning parser answers. They count as output tokens like any other.
   */
  reasoningTokens: z.number().int({ error: 'must be a whole number of tokens' }).min(0).max(10_000_000).default(0),
  /** Where reasoning text goes: `reasoning_content` (vLLM up to v0.10, DeepSeek's API) or `reasoning` (newer vLLM). */
  reasoningField: z.enum(['reasoning_content', 'reasoning']).default('reasoning_content'),
});

/** Validated simulator options, plain defaults applied. */
export type SimOptions = z.output<typeof simOptionsSchema>;

/** What a caller may pass: any subset of the options. */
export type SimOptionsInput = z.input<typeof simOptionsSchema>;

/** How tokens are timed: the simple model, or the continuous-batching engine. */
export type LatencyModel =
  | { kind: 'fixed'; ttftMs: number; itlMs: number }
  | { kind: 'batched'; engine: BatchEngineConfig; gpu: GpuMemoryModel };

/** Options resolved against their profile: everything the server runs on. */
export interface SimConfig {
  options: SimOptions;
  profile: EngineProfile;
  maxModelLen: number;
  tokenizer: TokenizerName;
  promptFormat: PromptFormat;
  latency: LatencyModel;
}

/**
 * Validate simulator options, applying defaults. Throws a {@link ConfigError} listing every problem
 * (not just the first), each under `sim.<field>`.
 */
export function parseSimOptions(input: unknown): SimOptions {
  const result = simOptionsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.flatMap((issue) => {
        const field = ['sim', ...issue.path.map(String)].join('.');
        // An unknown key is reported against the key itself, so a typo points at the typo.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ field: `${field}.${key}`, message: 'unknown option' }));
        }
        return [{ field, message: issue.message }];
      }),
    );
  }
  resolveSimConfig(result.data); // cross-field checks
  return result.data;
}

/** Resolve validated options against their profile. Throws a ConfigError for options that do not fit it. */
export function resolveSimConfig(options: SimOptions): SimConfig {
  const problems: ConfigProblem[] = [];
  const given = (keys: readonly (keyof SimOptions)[]): (keyof SimOptions)[] => keys.filter((k) => options[k] !== undefined);
  const name = options.profile ?? (given(FIXED_ONLY).length > 0 ? 'fixed' : DEFAULT_PROFILE);
  const profile: EngineProfile = PROFILES[name];
  const misplaced = (keys: (keyof SimOptions)[], what: string): void => {
    for (const k of keys) problems.push({ field: `sim.${k}`, message: `applies to ${what} only, not to profile "${name}"` });
  };

  let latency: LatencyModel;
  let maxModelLen: number;
  if (profile.kind === 'fixed') {
    misplaced(given(BATCHED_ONLY), 'the continuous-batching profiles');
    latency = { kind: 'fixed', ttftMs: options.ttftMs ?? profile.ttftMs, itlMs: options.itlMs ?? profile.itlMs };
    maxModelLen = options.maxModelLen ?? 32_768;
  } else {
    misplaced(given(FIXED_ONLY), 'the fixed profile');
    const derived = deriveCoefficients(profile);
    const coefficients = {
      ...derived,
      stepOverheadMs: options.stepOverheadMs ?? derived.stepOverheadMs,
      memBandwidthBytesPerSec: options.memBandwidthGBs !== undefined ? options.memBandwidthGBs * 1e9 : derived.memBandwidthBytesPerSec,
      memEfficiency: options.memEfficiency ?? derived.memEfficiency,
      peakFlopsPerSec: options.peakTflops !== undefined ? options.peakTflops * 1e12 : derived.peakFlopsPerSec,
      computeEfficiency: options.computeEfficiency ?? derived.computeEfficiency,
      commMsPerStep: options.commMsPerStep ?? derived.commMsPerStep,
      commMsPerToken: options.commMsPerToken ?? derived.commMsPerToken,
    };
    const kvTokens = options.kvCacheTokens ?? deriveKvCacheTokens(profile);
    const kvCacheBlocks = Math.floor(kvTokens / KV_BLOCK_SIZE);
    const capacity = kvCacheBlocks * KV_BLOCK_SIZE;
    maxModelLen = options.maxModelLen ?? Math.min(profile.model.maxContextTokens, capacity);
    if (maxModelLen > capacity) {
      // vLLM refuses to start the same way: one request of the full window could never be served.
      problems.push({
        field: 'sim.maxModelLen',
        message: `${maxModelLen} is more than the KV cache holds (${capacity} tokens); lower it or raise kvCacheTokens`,
      });
    }
    const model = profile.model;
    latency = {
      kind: 'batched',
      engine: {
        maxNumSeqs: options.maxNumSeqs ?? profile.serving.maxNumSeqs,
        maxNumBatchedTokens: options.maxNumBatchedTokens ?? profile.serving.maxNumBatchedTokens,
        kvCacheBlocks,
        blockSize: KV_BLOCK_SIZE,
        enablePrefixCaching: options.enablePrefixCaching ?? true,
        coefficients,
        jitter: options.stepJitter ?? 0.02,
        seed: options.seed,
      },
      gpu: {
        gpus: profile.hardware.gpuCount,
        memoryBytesPerGpu: profile.hardware.memoryBytesPerGpu,
        weightBytes: parameterCount(model) * model.bytesPerParam,
        reservedBytesPerGpu: profile.serving.reservedBytesPerGpu,
        kvBlockBytes: kvBytesPerToken(model) * KV_BLOCK_SIZE,
        kvTotalBlocks: kvCacheBlocks,
      },
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    options,
    profile,
    maxModelLen,
    tokenizer: options.tokenizer ?? (profile.kind === 'fixed' ? 'words' : 'cl100k_base'),
    promptFormat: profile.kind === 'fixed' ? 'none' : 'llama3',
    latency,
  };
}
