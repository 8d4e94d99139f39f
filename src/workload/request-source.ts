/**
 * The request source of a run: what each request sends (prompt, its token count, the output length
 * to ask for, where it came from), drawn once, before the timed run, from the seed.
 *
 *   words     the seed prototype's random-letter words (drawn lazily, as before: cheap, no tokenizer)
 *   random    token-exact synthetic prompts (--input-tokens, under --tokenizer)
 *   sharegpt  a ShareGPT JSON file, streamed (first human turn; the reply's length as output length)
 *   jsonl     one {prompt | messages, output_tokens?} object a line
 *
 * Shared prefixes (--prefix-tokens, --prefix-groups) and the per-run nonce (--unique-prefix) are
 * applied here, for every source alike. Sources other than words are materialised up front: building
 * and counting a 1,024-token prompt costs milliseconds, which must not sit on the request path.
 */
import { randomInt } from 'node:crypto';
import type { ChatMessage } from '../clients/protocol.js';
import type { RunConfig } from '../config/run-config.js';
import { createRng, deriveSeed, type Rng } from '../core/arrival/rng.js';
import { parseLengthSpec, sampleLength, type LengthSpec } from '../core/prompts/length-spec.js';
import { makeWordPrompt } from '../core/prompts/synthetic-words.js';
import { buildExactText, buildWordPool, drawWords, fitJoined, type WordPool } from '../core/prompts/token-exact.js';
import { promptWords, type WorkloadItem } from '../core/prompts/workload-item.js';
import { ConfigError } from '../errors.js';
import { loadTokenizer, parseTokenizerSpec } from '../tokenizers/load-tokenizer.js';
import type { ServerTokenizerOptions } from '../tokenizers/server-tokenizer.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import { loadDataset } from './load-dataset.js';
import { loadTraceReplay } from './trace-source.js';
import type { WorkloadInfo } from './workload-info.js';

export interface RequestSource {
  /** What was drawn and from where, for summary.json and compare. */
  info: WorkloadInfo;
  /** The next request; called once per request, in seq order. */
  next(): WorkloadItem;
  /** Whether any request carries chat messages (refused by text-only protocols). */
  hasMessages: boolean;
  /** A trace replay's send offsets (ms), one per request in seq order; absent: the arrival process decides. */
  offsetsMs?: number[];
}

export interface OpenSourceOptions {
  config: RunConfig;
  /** Requests to prepare (the run's request count). */
  count: number;
  /** The endpoint takes chat messages: shared prefixes go in a system message. */
  chat: boolean;
  /** For --tokenizer server (absent: the source is opened before the server is reached). */
  server?: ServerTokenizerOptions;
}

/** Words in the nonce that --unique-prefix puts before every prompt: 4 word tokens, ~10^13 choices. */
const NONCE_WORDS = 4;

/** Open the run's request source; bad files and flags throw ConfigError naming them. */
export async function openRequestSource(o: OpenSourceOptions): Promise<RequestSource> {
  const c = o.config;
  const seed = c.seed;
  const outputSpec = outputLengthSpec(c);
  const outRng = createRng(deriveSeed(seed, 'output-lengths'));
  const needsTokenizer = c.dataset !== 'words' || c.prefixTokens > 0 || c.uniquePrefix || c.trace !== undefined;
  const tokenizer = needsTokenizer ? await loadTokenizer(parseTokenizerSpec(c.tokenizer), o.server) : undefined;
  // Word tokens come from the tokenizer's own vocabulary; the server's is not listable, so its
  // prompts start from cl100k's words and the repair loop fits them to the server's count.
  const poolSource = tokenizer?.local ?? (needsTokenizer ? (await loadTokenizer({ kind: 'builtin', name: 'cl100k' })).local : undefined);
  const pool = poolSource ? buildWordPool(poolSource) : undefined;
  const frame = needsTokenizer ? await buildFrame(c, tokenizer!, pool!, o.chat) : undefined;

  const info: WorkloadInfo = {
    source: c.trace !== undefined ? 'trace' : c.dataset,
    tokenizer: tokenizer ? { name: tokenizer.name, description: tokenizer.description } : null,
    inputTokens: c.dataset === 'random' ? c.inputTokens ?? null : null,
    outputTokens: c.outputTokens ?? (c.maxTokens !== undefined ? String(c.maxTokens) : null),
    ignoreEos: ignoreEosOf(c),
    prefix: { tokens: c.prefixTokens, groups: c.prefixTokens > 0 ? c.prefixGroups : 0, unique: c.uniquePrefix, nonce: frame?.nonce ?? null },
    dataset: null,
    warnings: [],
  };

  let offsetsMs: number[] | undefined;
  if (c.dataset === 'words' && c.trace === undefined) {
    const promptRng = createRng(deriveSeed(seed, 'prompts'));
    let seq = 0;
    return {
      info,
      hasMessages: false,
      next() {
        const p = makeWordPrompt(promptRng, { wordLambda: c.wordLambda });
        const item: WorkloadItem = { sourceId: `words ${seq++}`, prompt: p.text, inputTokens: null, words: p.words };
        const out = outputSpec ? sampleLength(outputSpec, outRng) : undefined;
        if (out !== undefined) item.outputTokens = out;
        return frame ? frame.apply(item, null) : item;
      },
    };
  }

  let items: WorkloadItem[];
  if (c.trace !== undefined) {
    const replay = await loadTraceReplay({
      path: c.trace,
      format: c.traceFormat!,
      maxEntries: o.count,
      timeScale: c.timeScale,
      ...(c.traceStartS !== undefined ? { startS: c.traceStartS } : {}),
      ...(c.traceWindowS !== undefined ? { windowS: c.traceWindowS } : {}),
      ...(c.traceModel !== undefined ? { modelFilter: c.traceModel } : {}),
      skipBadRows: c.skipBadRows,
      seed,
      tokenizer: tokenizer!,
      pool: pool!,
    });
    if (replay.items.length === 0) {
      throw new ConfigError([{ field: '--trace', message: `${c.trace}: no entries in the replayed slice (--trace-start ${c.traceStartS ?? 0}, --trace-window ${c.traceWindowS ?? 'all'})` }]);
    }
    items = replay.items;
    offsetsMs = replay.offsetsMs;
    info.trace = {
      format: c.traceFormat!,
      file: replay.stats.file,
      timeScale: c.timeScale,
      startS: c.traceStartS ?? 0,
      windowS: c.traceWindowS ?? null,
      entries: items.length,
      capped: replay.capped,
      stats: { rows: replay.stats.rows, badRows: replay.stats.badRows, badRowExamples: replay.stats.badRowExamples, skipped: replay.stats.skipped },
    };
  } else if (c.dataset === 'random') {
    const inputSpec = spec(c.inputTokens ?? '1024', '--input-tokens');
    const lenRng = createRng(deriveSeed(seed, 'input-lengths'));
    const textRng = createRng(deriveSeed(seed, 'prompts'));
    items = [];
    for (let i = 0; i < o.count; i++) {
      const n = sampleLength(inputSpec, lenRng);
      const text = await buildExactText(tokenizer!, pool!, n, textRng);
      items.push({ sourceId: `random ${i}`, prompt: text, inputTokens: n, words: n });
    }
  } else {
    if (c.dataset === 'words') throw new Error('unreachable: the words source is lazy');
    if (c.datasetPath === undefined) throw new ConfigError([{ field: '--dataset-path', message: `--dataset ${c.dataset} needs a file` }]);
    const loaded = await loadDataset({
      format: c.dataset,
      path: c.datasetPath,
      count: o.count,
      seed,
      order: c.datasetOrder,
      tokenizer: tokenizer!,
      filters: c.datasetFilters,
      outputOverride: outputSpec ? { fixed: outputSpec.kind === 'fixed' ? outputSpec.value : null } : null,
      skipBadRows: c.skipBadRows,
    });
    items = loaded.items;
    info.dataset = { format: c.dataset, order: c.datasetOrder, file: loaded.file, stats: loaded.stats };
  }
  const groupRng = createRng(deriveSeed(seed, 'prefix-groups'));
  const prepared: WorkloadItem[] = [];
  for (const item of items) {
    const out = outputSpec ? sampleLength(outputSpec, outRng) : item.outputTokens;
    const withOut: WorkloadItem = { ...item };
    if (out !== undefined) withOut.outputTokens = out;
    else delete withOut.outputTokens;
    prepared.push(frame ? await frame.applyCounted(withOut, groupRng) : withOut);
  }
  let k = 0;
  return {
    info,
    ...(offsetsMs ? { offsetsMs } : {}),
    hasMessages: prepared.some((p) => typeof p.prompt !== 'string'),
    next() {
      // Past the prepared count (a closed loop ended by --duration sends at most --total_requests).
      return prepared[k++ % prepared.length]!;
    },
  };
}

/** --output-tokens, else a fixed --max-tokens, else none (the dataset's lengths, or the server's). */
function outputLengthSpec(c: RunConfig): LengthSpec | undefined {
  if (c.outputTokens !== undefined) return spec(c.outputTokens, '--output-tokens');
  if (c.maxTokens !== undefined) return { kind: 'fixed', value: c.maxTokens };
  return undefined;
}

/** --ignore-eos as given, else on for random prompts with an output length (as vLLM does) and for trace replays. */
export function ignoreEosOf(c: RunConfig): boolean {
  if (c.ignoreEos !== undefined) return c.ignoreEos;
  // A replay asks for the trace's output lengths, and holds them: otherwise it is not the trace's load.
  if (c.trace !== undefined) return true;
  return c.dataset === 'random' && (c.outputTokens !== undefined || c.maxTokens !== undefined);
}

function spec(raw: string, flag: string): LengthSpec {
  const s = parseLengthSpec(raw);
  if ('error' in s) throw new ConfigError([{ field: flag, message: s.error }]);
  return s;
}

/** Shared prefixes and the nonce, put around each request's own prompt. */
interface Frame {
  nonce: string | null;
  /** Without counting (the seed's words). */
  apply(item: WorkloadItem, group: number | null): WorkloadItem;
  /** With an exact count of the whole input. */
  applyCounted(item: WorkloadItem, groupRng: Rng): Promise<WorkloadItem>;
}

async function buildFrame(c: RunConfig, tok: Tokenizer, pool: WordPool, chat: boolean): Promise<Frame | undefined> {
  if (c.prefixTokens === 0 && !c.uniquePrefix) return undefined;
  // The nonce is drawn from fresh randomness, not the seed: its whole point is to differ between two
  // runs of one seed, so a prefix cache warmed by the first cannot serve the second.
  const nonce = c.uniquePrefix ? drawWords(pool, NONCE_WORDS, createRng(randomInt(0, 2 ** 31))) : '';
  const prefixRng = createRng(deriveSeed(c.seed, 'prefixes'));
  const prefixes: string[] = [];
  const groups = c.prefixTokens > 0 ? c.prefixGroups : 1;
  for (let g = 0; g < groups; g++) prefixes.push(nonce + (c.prefixTokens > 0 ? await buildExactText(tok, pool, c.prefixTokens, prefixRng) : ''));
  const headTokens = prefixes.length ? await tok.count(prefixes[0]!) : 0;
  const wordsGroupRng = createRng(deriveSeed(c.seed, 'prefix-groups'));
  const pick = (rng: Rng): number => (groups > 1 ? rng.int(groups) : 0);
  const join = (item: WorkloadItem, g: number): { prompt: string | ChatMessage[]; textJoin: boolean } => {
    const head = prefixes[g]!;
    if (chat) {
      const messages = typeof item.prompt === 'string' ? [{ role: 'user', content: item.prompt }] : item.prompt;
      // Kept as built, leading space included: trimming it would change the prefix's token count.
      return { prompt: [{ role: 'system', content: head }, ...messages], textJoin: false };
    }
    // Text endpoints: the prefix leads the prompt. A dataset's text starts a new line after it;
    // synthetic text starts with a space, which is a clean token boundary already.
    const body = item.prompt as string;
    return { prompt: head + (body.startsWith(' ') ? body : `\n${body}`), textJoin: true };
  };
  return {
    nonce: c.uniquePrefix ? nonce.trimStart() : null,
    apply(item) {
      const g = pick(wordsGroupRng);
      const prompt = join(item, g).prompt;
      return { ...item, prompt, words: promptWords(prompt), ...(c.prefixTokens > 0 ? { prefixGroup: g } : {}) };
    },
    async applyCounted(item, groupRng) {
      const g = pick(groupRng);
      const joined = join(item, g);
      const out: WorkloadItem = { ...item, prompt: joined.prompt, words: promptWords(joined.prompt), ...(c.prefixTokens > 0 ? { prefixGroup: g } : {}) };
      if (item.inputTokens === null) return out;
      if (!joined.textJoin) {
        out.inputTokens = (await tok.count((joined.prompt as ChatMessage[])[0]!.content)) + item.inputTokens;
        return out;
      }
      const text = joined.prompt as string;
      const head = prefixes[g]!;
      if (c.dataset === 'random') {
        // Synthetic bodies keep their exact length after the prefix: repaired if the join merged.
        const target = headTokens + item.inputTokens;
        const body = await fitJoined(tok, pool, head, text.slice(head.length), target, groupRng);
        out.prompt = head + body;
        out.words = promptWords(out.prompt);
        out.inputTokens = target;
      } else {
        out.inputTokens = await tok.count(text);
      }
      return out;
    },
  };
}
