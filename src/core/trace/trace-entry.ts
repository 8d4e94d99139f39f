/**
 * One request of a trace file, as read: when it arrived on the trace's own clock and how long its
 * prompt and answer were. Shifting to the replayed slice (--trace-start, --trace-window) and scaling
 * (--time-scale) happen after reading, in trace-window.ts, for every format alike.
 */
export interface TraceEntry {
  /**
   * Arrival time in ms on the file's own clock, raw: Mooncake and generic JSONL give ms from the
   * trace's start, BurstGPT seconds from its start (times 1,000 here), Azure a UTC date and time
   * (ms since the Unix epoch here). Only differences matter: the caller takes offsets from the
   * trace's first entry, after --trace-start / --time-scale (traceSchedule).
   */
  timestampMs: number;
  /**
   * Prompt length in tokens. -1 only in generic JSONL, for a row with a prompt or messages and no
   * input_length: "count it later" (with the run's tokenizer). Otherwise >= 1.
   */
  inputTokens: number;
  /** Tokens the trace's answer had: the max_tokens (and ignore_eos) to ask for. >= 1. */
  outputTokens: number;
  /** Mooncake: ids of the 512-token blocks of the prompt, leading ids shared = shared prefix. */
  hashIds?: number[];
  /** Generic JSONL only: a prompt or chat messages to send instead of synthetic text. */
  prompt?: string;
  messages?: { role: string; content: string }[];
  /** Where it came from, for records and error messages: `line 42`. */
  sourceId: string;
}

/**
 * The trace formats llmload reads: Mooncake JSONL (kvcache-ai/Mooncake FAST'25 traces), BurstGPT
 * CSV (HPMLL/BurstGPT), the Azure LLM inference trace CSV (Azure/AzurePublicDataset, 2023 and
 * 2024), and a generic JSONL that may carry the prompt itself.
 */
export const TRACE_FORMATS = ['mooncake', 'burstgpt', 'azure', 'jsonl'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];
