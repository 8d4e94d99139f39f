/**
 * Options of the built-in simulated inference server. Validated here, at the boundary, so the engine
 * and the HTTP layer can trust them.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** The zod schema of {@link SimOptions}; every field has a default except `outputTokens`. */
export const simOptionsSchema = z.strictObject({
  /** Interface to bind. Loopback by default: the simulator is a local stand-in, not a service. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 asks the OS for a free one (read the chosen port from the handle). */
  port: z.number().int().min(0).max(65_535).default(0),
  /** The one model the server serves; requests naming another get a 404 as from vLLM. */
  model: z.string().min(1).default('llmload-sim'),
  /** Time to first token, measured from the arrival of the request's headers. */
  ttftMs: z.number().min(0).max(3_600_000).default(50),
  /** Inter-token latency: token k (0-based) is due at ttftMs + k * itlMs. */
  itlMs: z.number().min(0).max(3_600_000).default(10),
  /**
   * Fixed natural output length (where the simulated model would emit EOS). When unset, it is drawn
   * per request from a lognormal distribution with mean `meanOutputTokens`.
   */
  outputTokens: z.number().int().min(1).optional(),
  /** Mean of the drawn natural output length. */
  meanOutputTokens: z.number().min(1).max(1_000_000).default(128),
  /** Context window: prompt + max_tokens above it is rejected with a 400, as vLLM does. */
  maxModelLen: z.number().int().min(2).default(32_768),
  /** Seed of every random choice; with the same seed the same request gets the same output. */
  seed: z.number().int().default(0),
  /** Tokens per streamed event (vLLM's stream interval; >1 also mimics speculative decoding). */
  tokensPerChunk: z.number().int().min(1).default(1),
});

/** Validated simulator options, defaults applied. */
export type SimOptions = z.output<typeof simOptionsSchema>;

/** What a caller may pass: any subset of the options. */
export type SimOptionsInput = z.input<typeof simOptionsSchema>;

/**
 * Validate simulator options, applying defaults. Throws a {@link ConfigError} listing every problem
 * (not just the first), each under `sim.<field>`.
 */
export function parseSimOptions(input: unknown): SimOptions {
  const result = simOptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
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
