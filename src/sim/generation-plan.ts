/**
 * What the simulated model says in answer to one request, decided when the request arrives. PURE:
 * no timers, no I/O, no clock. Given the options, a seeded RNG, a parsed request and its prompt
 * length, it decides how many tokens the answer has, their text, and why generation stops. When each
 * token is sent is not decided here: that is the engine's business (the batch scheduler, or the
 * fixed latency model).
 */
import { deriveSeed, type Rng } from '../core/arrival/rng.js';
import type { SimRequest } from './sim-request.js';

/** The options the plan reads. */
export interface GenerationOptions {
  /** Fixed natural length (where the model would emit EOS); unset: drawn per request. */
  outputTokens: number | undefined;
  meanOutputTokens: number;
  maxModelLen: number;
  /** Chat only: how many of the first output tokens are reasoning (0: none). */
  reasoningTokens: number;
  /** The fault that ignores ignore_eos and min_tokens: every answer ends at its natural length. */
  ignoreLengthHints: boolean;
}

/** Everything about one answer except its timing. */
export interface GenerationPlan {
  promptTokens: number;
  outputTokens: number;
  /** 'length' when max_tokens (or the context window) cut generation; 'stop' when the model or a stop string ended it. */
  finishReason: 'length' | 'stop';
  /** The stop string that ended generation (vLLM's `stop_reason`), else null. */
  stopReason: string | null;
  /** The whole output text as the client gets it: a matched stop string is cut off unless asked for. */
  text: string;
  /** `text.slice(tokenEnds[k - 1], tokenEnds[k])` is token k's text (empty after a stop string's cut). */
  tokenEnds: Uint32Array;
  /** The first this many output tokens are reasoning, the rest the answer; 0 for completions. */
  reasoningTokens: number;
}

/** A plan, or the 400 message vLLM gives when prompt + max_tokens exceed the context window. */
export type PlanResult = { kind: 'plan'; plan: GenerationPlan } | { kind: 'too-long'; message: string };

/** Upper bound of a drawn natural length: chatty, but never a runaway of the whole context. */
export const MAX_NATURAL_OUTPUT_TOKENS = 4096;

/** Spread (sigma of the underlying normal) of the drawn natural length. */
const LENGTH_SIGMA = 0.6;

/**
 * Output "tokens": common short English words, each with the leading space a BPE word token has.
 * Every one of them is exactly one token in cl100k_base and o200k_base (tested), so the output's
 * token count is what a real tokenizer would count. Plain ASCII: no token ever needs JSON escaping.
 */
export const VOCABULARY: readonly string[] = (
  'the of and to in is that it for on was with as be at by this had not are but from or have an ' +
  'they which one you were all we her she there would their will when who him been has more if ' +
  'no out so said what up its about than into them can only other new some could time these two ' +
  'may then do first any my now such like our over man me even most made after also did many'
)
  .split(' ')
  .map((word) => ` ${word}`);

/**
 * The seed of one request's output: the simulator seed, the request's own `seed`, and the prompt.
 * Deriving it from the content (not from arrival order) keeps outputs repeatable under any
 * concurrency; like greedy decoding, the same prompt always gets the same answer.
 */
export function deriveRequestSeed(seed: number, request: SimRequest): number {
  const prompt = request.prompt.kind === 'token-ids' ? request.prompt.ids.join(',') : request.prompt.text;
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

/** Decide the whole answer to one request whose prompt is `promptTokens` long. */
export function planGeneration(options: GenerationOptions, rng: Rng, request: SimRequest, promptTokens: number): PlanResult {
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
  // A server that drops the length hints (a proxy that strips unknown fields, an engine that does not
  // implement them): the model stops where it would, and a client that trusted max_tokens sees it.
  const minTokens = options.ignoreLengthHints ? 0 : request.minTokens;
  const ignoreEos = request.ignoreEos && !options.ignoreLengthHints;
  // The length is drawn first, so the text for a given request does not depend on max_tokens:
  // asking for fewer tokens gives a prefix of the longer answer.
  let natural = options.outputTokens ?? drawNaturalLength(rng, options.meanOutputTokens, MAX_NATURAL_OUTPUT_TOKENS);
  natural = Math.max(natural, minTokens);
  let length: number;
  let finishReason: GenerationPlan['finishReason'];
  if (asked !== undefined) {
    // max_tokens is a hard limit; ignore_eos makes it the exact length.
    length = ignoreEos ? asked : Math.min(natural, asked);
    finishReason = ignoreEos || natural >= asked ? 'length' : 'stop';
  } else {
    // Without max_tokens, vLLM's limit is the rest of the context window. ignore_eos is not honoured
    // here: it would mean generating the whole window, which no benchmark wants from a stand-in.
    length = Math.min(natural, room);
    finishReason = natural > room ? 'length' : 'stop';
  }
  const plan = writeText(rng, request, minTokens, promptTokens, length, finishReason);
  // Reasoning is output like any other (same timing, same count): only its place in the answer differs.
  plan.reasoningTokens = request.api === 'chat' ? Math.min(options.reasoningTokens, plan.outputTokens) : 0;
  return { kind: 'plan', plan };
}

/**
 * Draw the words, watching for stop strings as vLLM does: after each token, from min_tokens on, look
 * for a stop string that ends in the text the token added; the first match ends generation there
 * (that token still counts), with finish_reason "stop" and the string as stop_reason.
 */
function writeText(
  rng: Rng,
  request: SimRequest,
  minTokens: number,
  promptTokens: number,
  length: number,
  finishReason: GenerationPlan['finishReason'],
): GenerationPlan {
  const tokenEnds = new Uint32Array(length);
  const stops = request.stop;
  let text = '';
  for (let k = 0; k < length; k++) {
    const before = text.length;
    text += VOCABULARY[rng.int(VOCABULARY.length)];
    tokenEnds[k] = text.length;
    if (stops.length === 0 || k + 1 < minTokens) continue;
    let at = -1;
    let hit = '';
    for (const stop of stops) {
      const found = text.indexOf(stop, Math.max(0, before - stop.length + 1));
      if (found !== -1 && (at === -1 || found < at)) {
        at = found;
        hit = stop;
      }
    }
    if (at === -1) continue;
    const kept = request.includeStopStrInOutput ? at + hit.length : at;
    const ends = tokenEnds.subarray(0, k + 1).map((end) => Math.min(end, kept));
    const cut = text.slice(0, kept);
    return { promptTokens, outputTokens: k + 1, finishReason: 'stop', stopReason: hit, text: cut, tokenEnds: ends, reasoningTokens: 0 };
  }
  return { promptTokens, outputTokens: length, finishReason, stopReason: null, text, tokenEnds, reasoningTokens: 0 };
}

/** Token `k`'s text. */
export function tokenText(plan: GenerationPlan, k: number): string {
  return plan.text.slice(k === 0 ? 0 : plan.tokenEnds[k - 1], plan.tokenEnds[k]);
}

/** The text of tokens [from, to). */
export function tokensText(plan: GenerationPlan, from: number, to: number): string {
  return plan.text.slice(from === 0 ? 0 : plan.tokenEnds[from - 1], to === 0 ? 0 : plan.tokenEnds[to - 1]);
}
