/**
 * Errors of setup, each with a stable `code` the CLI maps to an exit status. A request that fails
 * during a run is not an error of this kind: it is data (see core/metrics/request-record.ts).
 */
export type LlmloadErrorCode =
  | 'LLMLOAD_CONFIG_INVALID'
  | 'LLMLOAD_TARGET_UNREACHABLE'
  | 'LLMLOAD_TARGET_REJECTED'
  | 'LLMLOAD_TARGET_FORBIDDEN'
  | 'LLMLOAD_NO_MODEL'
  | 'LLMLOAD_IO';

export class LlmloadError extends Error {
  readonly code: LlmloadErrorCode;
  constructor(code: LlmloadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmloadError';
    this.code = code;
  }
}

/** One problem with one input: the flag or field it concerns, and what is wrong. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** Invalid configuration: carries every problem found, not just the first. */
export class ConfigError extends LlmloadError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(
      'LLMLOAD_CONFIG_INVALID',
      `invalid configuration:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
