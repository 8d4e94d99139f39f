/**
 * Iteration-level continuous batching, as vLLM's V1 scheduler does it. PURE: no clock, no I/O; the
 * engine's only randomness (step-time jitter) comes from a seeded generator, so the same arrivals
 * give the same steps.
 *
 * Each call to `step()` plans and costs one forward pass:
 *  1. Running sequences first, oldest first: a decoding sequence needs 1 token, one still in
 *     (chunked) prefill needs the rest of its prompt, up to the step's token budget
 *     (`maxNumBatchedTokens`). Each gets KV blocks for its new tokens; when the pool is empty the
 *     newest running sequence is preempted (its blocks freed, its progress dropped, back to the head
 *     of the queue, to be recomputed later), and again, until the allocation fits.
 *  2. If nothing was preempted, waiting requests in arrival order while there is budget, a free slot
 *     (`maxNumSeqs`) and room in the KV cache; a prefix-cache hit skips the cached blocks. The first
 *     request that does not fit stops admission (first come, first served; no overtaking).
 *  3. The step's duration comes from the cost model (step-time.ts); every sequence whose computed
 *     tokens now cover its whole context emits one token. Finished sequences free their blocks.
 *
 * The state is advanced at once and the result describes what happens when the step ends; the
 * caller delivers the tokens `durationMs` later and calls `step()` again then. A request added while
 * a step runs joins the next one, as in a real engine.
 */
import { createRng, type Rng } from '../../core/arrival/rng.js';
import { createKvBlockPool, type KvBlockPool } from './kv-cache.js';
import { createPrefixCache, type PrefixCache } from './prefix-cache.js';
import { attentionPairs, stepDurationMs, type StepCoefficients, type StepShape } from './step-time.js';

/** The engine's limits and cost model. Plain data. */
export interface BatchEngineConfig {
  /** Most sequences running at once (vLLM's max_num_seqs). */
  maxNumSeqs: number;
  /** Token budget of one step, prefill chunks and decodes together (vLLM's max_num_batched_tokens). */
  maxNumBatchedTokens: number;
  /** KV-cache capacity in blocks. */
  kvCacheBlocks: number;
  /** Tokens per KV block (vLLM's default is 16). */
  blockSize: number;
  enablePrefixCaching: boolean;
  coefficients: StepCoefficients;
  /** Each step's duration is scaled by a uniform draw from [1 - jitter, 1 + jitter]; 0 for none. */
  jitter: number;
  seed: number;
}

/** One request as the engine sees it: counts, not text. */
export interface EngineRequest<T> {
  /** Whatever the caller needs back with each event (the HTTP layer passes its response writer). */
  tag: T;
  promptTokens: number;
  /** Tokens to generate, decided before the request is queued (at least 1). */
  outputTokens: number;
  /** Chained hashes of the prompt's full blocks (prefix-cache.ts); empty without prefix caching. */
  blockHashes: readonly number[];
}

/** Opaque handle of a queued or running request, for `abort`. */
export interface EngineHandle {
  readonly promptTokens: number;
}

/** What one step does. */
export interface StepResult<T> {
  durationMs: number;
  /** Requests that emit one token when the step ends, in batch order (finishing ones included). */
  tokens: T[];
  /** Requests whose last token is among `tokens`. */
  finished: T[];
  /** Requests preempted while this step was planned (they go back to the queue). */
  preempted: T[];
  /** Requests scheduled for the first time (they leave the queue). */
  admitted: T[];
  /** The step's shape: prompt tokens computed (recomputation included) and decoding sequences. */
  prefillTokens: number;
  decodeSequences: number;
}

/** Live figures for gauges and counters. */
export interface EngineStats {
  running: number;
  waiting: number;
  /** Share of KV blocks held by sequences (0-1). */
  kvUsage: number;
  kvBlocksUsed: number;
  preemptions: number;
  /** Prompt tokens looked up in the prefix cache, and how many were found. */
  prefixQueriedTokens: number;
  prefixHitTokens: number;
}

export interface BatchScheduler<T> {
  add(request: EngineRequest<T>): EngineHandle;
  /** Forget a request (its client left): frees its blocks; no more events for it. */
  abort(handle: EngineHandle): void;
  /** Plan and cost the next step; null when nothing can run (idle until the next `add`). */
  step(): StepResult<T> | null;
  readonly stats: EngineStats;
}

interface Seq<T> extends EngineHandle {
  req: EngineRequest<T>;
  /** Tokens whose KV is in the cache. */
  computed: number;
  generated: number;
  blocks: number[];
  /** Prompt blocks already offered to the prefix cache. */
  registered: number;
  state: 'waiting' | 'running' | 'gone';
  admitted: boolean;
}

/** Create an engine in its idle state. */
export function createBatchScheduler<T>(config: BatchEngineConfig): BatchScheduler<T> {
  const { blockSize, maxNumSeqs, maxNumBatchedTokens } = config;
  const pool: KvBlockPool = createKvBlockPool(config.kvCacheBlocks);
  const prefix: PrefixCache | undefined = config.enablePrefixCaching ? createPrefixCache(pool) : undefined;
  const rng: Rng = createRng(config.seed);
  let waiting: Seq<T>[] = [];
  const running: Seq<T>[] = [];
  let preemptions = 0;
  let prefixQueriedTokens = 0;
  let prefixHitTokens = 0;
  // Reused between steps: one step can schedule thousands of sequences.
  const batch: Seq<T>[] = [];
  const chunk: number[] = [];

  const ensureBlocks = (seq: Seq<T>, tokens: number): boolean => {
    const missing = Math.ceil(tokens / blockSize) - seq.blocks.length;
    return missing <= 0 || pool.allocate(missing, seq.blocks);
  };

  const freeBlocks = (seq: Seq<T>): void => {
    pool.release(seq.blocks);
    seq.blocks = [];
    seq.registered = 0;
  };

  const preempt = (seq: Seq<T>): void => {
    // Recompute preemption: everything computed is dropped; the prompt's blocks stay in the prefix
    // cache (if on), so the recomputation often starts with a hit on its own old blocks.
    freeBlocks(seq);
    seq.computed = 0;
    seq.state = 'waiting';
    waiting.unshift(seq);
    preemptions++;
  };

  /** Prefix-cache lookup for a request about to be admitted from scratch. */
  const lookUpPrefix = (seq: Seq<T>): void => {
    if (!prefix || seq.computed > 0) return;
    const prompt = seq.req.promptTokens;
    const hit = prefix.match(seq.req.blockHashes, Math.floor((prompt - 1) / blockSize));
    seq.blocks = hit;
    seq.registered = hit.length;
    seq.computed = hit.length * blockSize;
  };

  const step = (): StepResult<T> | null => {
    let budget = maxNumBatchedTokens;
    batch.length = 0;
    chunk.length = 0;
    const preempted: T[] = [];
    const admitted: T[] = [];

    for (let i = 0; i < running.length && budget > 0; i++) {
      const seq = running[i]!;
      const n = Math.min(seq.req.promptTokens + seq.generated - seq.computed, budget);
      let fits = ensureBlocks(seq, seq.computed + n);
      while (!fits) {
        const victim = running.pop()!;
        preempt(victim);
        preempted.push(victim.req.tag);
        if (victim === seq) break;
        fits = ensureBlocks(seq, seq.computed + n);
      }
      if (!fits) break;
      batch.push(seq);
      chunk.push(n);
      budget -= n;
    }

    if (preempted.length === 0) {
      while (waiting.length > 0 && budget > 0 && running.length < maxNumSeqs) {
        const seq = waiting[0]!;
        const hadPrefixLookup = prefix !== undefined && seq.computed === 0;
        lookUpPrefix(seq);
        const n = Math.min(seq.req.promptTokens + seq.generated - seq.computed, budget);
        if (!ensureBlocks(seq, seq.computed + n)) {
          // Stays at the head of the queue; the hit blocks are given back until it fits.
          freeBlocks(seq);
          seq.computed = 0;
          break;
        }
        if (hadPrefixLookup) {
          prefixQueriedTokens += seq.req.promptTokens;
          prefixHitTokens += seq.computed;
        }
        waiting.shift();
        seq.state = 'running';
        running.push(seq);
        if (!seq.admitted) {
          seq.admitted = true;
          admitted.push(seq.req.tag);
        }
        batch.push(seq);
        chunk.push(n);
        budget -= n;
      }
    }

    if (batch.length === 0) return null;

    const shape: StepShape = { newTokens: 0, kvTokensRead: 0, attnPairs: 0 };
    let prefillTokens = 0;
    let decodeSequences = 0;
    const tokens: T[] = [];
    const finished: T[] = [];
    for (let i = 0; i < batch.length; i++) {
      const seq = batch[i]!;
      const n = chunk[i]!;
      const start = seq.computed;
      shape.newTokens += n;
      shape.kvTokensRead += start + n;
      shape.attnPairs += attentionPairs(start, n);
      const context = seq.req.promptTokens + seq.generated;
      if (n === 1 && seq.generated > 0 && start === context - 1) decodeSequences++;
      else prefillTokens += n;
      seq.computed = start + n;
      registerPromptBlocks(seq);
      if (seq.computed < context) continue; // a prefill chunk that does not finish the prompt yet
      seq.generated++;
      tokens.push(seq.req.tag);
      if (seq.generated >= seq.req.outputTokens) {
        finished.push(seq.req.tag);
        freeBlocks(seq);
        seq.state = 'gone';
      }
    }
    if (finished.length > 0) {
      let kept = 0;
      for (const seq of running) if (seq.state === 'running') running[kept++] = seq;
      running.length = kept;
    }

    let durationMs = stepDurationMs(config.coefficients, shape);
    if (config.jitter > 0) durationMs *= 1 + config.jitter * (2 * rng.next() - 1);
    return { durationMs, tokens, finished, preempted, admitted, prefillTokens, decodeSequences };
  };

  function registerPromptBlocks(seq: Seq<T>): void {
    if (!prefix) return;
    const full = Math.min(Math.floor(Math.min(seq.computed, seq.req.promptTokens) / blockSize), seq.req.blockHashes.length);
    for (let b = seq.registered; b < full; b++) prefix.register(seq.blocks[b]!, seq.req.blockHashes[b]!);
    if (full > seq.registered) seq.registered = full;
  }

  return {
    add(req) {
      const seq: Seq<T> = {
        req: { ...req, outputTokens: Math.max(1, req.outputTokens) },
        promptTokens: req.promptTokens,
        computed: 0,
        generated: 0,
        blocks: [],
        registered: 0,
        state: 'waiting',
        admitted: false,
      };
      waiting.push(seq);
      return seq;
    },
    abort(handle) {
      const seq = handle as Seq<T>;
      if (seq.state === 'gone') return;
      if (seq.state === 'running') {
        const at = running.indexOf(seq);
        if (at !== -1) running.splice(at, 1);
      } else {
        waiting = waiting.filter((s) => s !== seq);
      }
      freeBlocks(seq);
      seq.state = 'gone';
    },
    step,
    get stats() {
      const used = pool.totalBlocks - pool.freeBlocks;
      return {
        running: running.length,
        waiting: waiting.length,
        kvUsage: used / pool.totalBlocks,
        kvBlocksUsed: used,
        preemptions,
        prefixQueriedTokens,
        prefixHitTokens,
      };
    },
  };
}
