/**
 * The simple engine model of the simulator. PURE: no timers, no I/O, no clock. Given the options, a
 * seeded RNG and a parsed request, it decides everything about the response up front: how many
 * prompt and output tokens, the text of each token, why generation stops, and when each streamed
 * chunk is due (an offset from the request's arrival). The HTTP layer only has to keep the
 * appointments.
 *
 * There is no batching, no queueing and no KV cache here: every request is served as if alone on the
 * GPU, so latency does not grow with load. The realistic engine model comes later and replaces this.
 */
import { deriveSeed, type Rng } from '../core/arrival/rng.js';
import type { SimOptions } from './sim-options.js';
import type { SimPrompt, SimRequest } from './sim-request.js';

/** The options the engine reads. */
export type SimEngineOptions = Pick<
  SimOptions,
  'ttftMs' | 'itlMs' | 'outputTokens' | 'meanOutputTokens' | 'maxModelLen' | 'tokensPerChunk'
>;

/** One streamed event's worth of output. */
export interface PlannedChunk {
  /** The text of the chunk's tokens, concatenated. */
  text: string;
  /** Output tokens sent so far, this chunk included (what continuous usage reports). */
  tokensSoFar: number;
  /** When the chunk is due, in ms after the request arrived: the due time of its last token. */
  dueMs: number;
}

/** Everything about one response, decided before the first byte is sent. */
export interface GenerationPlan {
  promptTokens: number;
  outputTokens: number;
  /** 'length' when max_tokens (or the context window) cut generation; 'stop' when the model ended it. */
  finishReason: 'length' | 'stop';
  /** In order; at least one. */
  chunks: PlannedChunk[];
}

/** A plan, or the 400 message vLLM gives when prompt + max_tokens exceed the context window. */
export type PlanResult = { kind: 'plan'; plan: GenerationPlan } | { kind: 'too-long'; message: string };

/** Upper bound of a drawn natural length: chatty, but never a runaway of the whole context. */
export const MAX_NATURAL_OUTPUT_TOKENS = 4096;

/** Spread (sigma of the underlying normal) of the drawn natural length. */
const LENGTH_SIGMA = 0.6;

// Cheap deterministic "tokens": common short words, each with the leading space a BPE word-token has.
// Plain ASCII so that no token ever needs JSON escaping.
const VOCABULARY = (
  'the of and to in is that it for on was with as be at by this had not are but from or have an ' +
  'they which one you were all we her she there would their will when who him been has more if ' +
  'no out so said what up its about than into them can only other new some could time these two ' +
  'may then do first any my now such like our over man me even most made after also did many'
)
  .split(' ')
  .map((word) => ` ${word}`);

/** When token k (0-based) is due, in ms after the request arrived: prefill, then one decode step each. */
export function tokenDueMs(k: number, ttftMs: number, itlMs: number): number {
  return ttftMs + k * itlMs;
}

/**
 * Prompt length in tokens. Whitespace-separated words stand in for tokens until a real tokenizer
 * arrives; at least 1, as a real tokenizer's BOS token would make it. Pre-tokenized prompts count
 * exactly.
 */
export function countPromptTokens(prompt: SimPrompt): number {
  if (prompt.kind === 'token-ids') return prompt.ids.length;
  const text = prompt.text;
  let words = 0;
  let inWord = false;
  // A hand loop, not split(/\s+/): prompts can be long and this runs once per request.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.max(1, words);
}

/**
 * The seed of one request's output: the simulator seed, the request's own `seed`, and the prompt.
 * Deriving it from the content (not from arrival order) keeps outputs repeatable under any
 * concurrency; like greedy decoding, the same prompt always gets the same answer.
 */
export function deriveRequestSeed(seed: number, request: SimRequest): number {
  const prompt = request.prompt.kind === 'text' ? request.prompt.text : request.prompt.ids.join(',');
  return deriveSeed(seed, `${request.seed ?? ''}|${prompt}`);
}

/**
 * Draw a natural output length (where the model would emit EOS): lognormal with the given mean, a
 * common fit to real chat output lengths. With sigma s, exp(N(mu, s^2)) has mean exp(mu + s^2 / 2),
 * so mu = ln(mean) - s^2 / 2. Box-Muller turns two uniforms into the normal draw.
 */
export function drawNaturalLength(rng: Rng, meanTokens: number, capTokens: number): number {
  const u1 = 1 - rng.next(); // in (0, 1]: log(0) is never taken
  const u2 = rng.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const mu = Math.log(meanTokens) - (LENGTH_SIGMA * LENGTH_SIGMA) / 2;
  return Math.min(capTokens, Math.max(1, Math.round(Math.exp(mu + LENGTH_SIGMA * z))));
}

/** Decide the whole response to one request. */
export function planGeneration(options: SimEngineOptions, rng: Rng, request: SimRequest): PlanResult {
  const promptTokens = countPromptTokens(request.prompt);
  const room = options.maxModelLen - promptTokens;
  const asked = request.maxTokens;
  if (room < 1 || (asked !== undefined && asked > room)) {
    const total = promptTokens + (asked ?? 0);
    return {
      kind: 'too-long',
      message:
        `This model's maximum context length is ${options.maxModelLen} tokens. However, you requested ` +
        `${total} tokens (${promptTokens} in the messages, ${asked ?? 0} in the completion). ` +
        'Please reduce the length of the messages or completion.',
    };
  }
  // The length is drawn first, so the text for a given request does not depend on max_tokens:
  // asking for fewer tokens gives a prefix of the longer answer.
  let natural =
    options.outputTokens ?? drawNaturalLength(rng, options.meanOutputTokens, MAX_NATURAL_OUTPUT_TOKENS);
  natural = Math.max(natural, request.minTokens);
  let outputTokens: number;
  let finishReason: GenerationPlan['finishReason'];
  if (asked !== undefined) {
    // max_tokens is a hard limit; ignore_eos makes it the exact length.
    outputTokens = request.ignoreEos ? asked : Math.min(natural, asked);
    finishReason = request.ignoreEos || natural >= asked ? 'length' : 'stop';
  } else {
    // Without max_tokens, vLLM's limit is the rest of the context window. ignore_eos is not honoured
    // here: it would mean generating the whole window, which no benchmark wants from a stand-in.
    outputTokens = Math.min(natural, room);
    finishReason = natural > room ? 'length' : 'stop';
  }
  return {
    kind: 'plan',
    plan: { promptTokens, outputTokens, finishReason, chunks: planChunks(options, rng, outputTokens) },
  };
}

/** Group the tokens into events of `tokensPerChunk`; an event is due when its last token is. */
function planChunks(options: SimEngineOptions, rng: Rng, outputTokens: number): PlannedChunk[] {
  const chunks: PlannedChunk[] = [];
  for (let start = 0; start < outputTokens; start += options.tokensPerChunk) {
    const end = Math.min(outputTokens, start + options.tokensPerChunk);
    let text = '';
    for (let k = start; k < end; k++) text += VOCABULARY[rng.int(VOCABULARY.length)];
    chunks.push({ text, tokensSoFar: end, dueMs: tokenDueMs(end - 1, options.ttftMs, options.itlMs) });
  }
  return chunks;
}
