/**
 * Parsing of the OpenAI-style request bodies the simulator accepts, into one normalized shape the
 * engine understands. Loose objects: unknown sampling fields (temperature, top_p, ...) are
 * accepted and ignored, as a server that does not implement them silently would.
 */
import { z } from 'zod';

/** Which generation endpoint a request came to. */
export type SimApi = 'completions' | 'chat';

/** One chat message as the template sees it: its role and its text parts joined. */
export interface ChatMessage {
  role: string;
  text: string;
}

/**
 * The prompt as the engine sees it: text, token ids that were sent pre-tokenized, or chat messages
 * (with `text`, every message's text one per line, which seeds the answer).
 */
export type SimPrompt =
  | { kind: 'text'; text: string }
  | { kind: 'token-ids'; ids: readonly number[] }
  | { kind: 'chat'; messages: ChatMessage[]; text: string };

/** A validated, normalized generation request. */
export interface SimRequest {
  api: SimApi;
  /** The model asked for; undefined means "the served one" (vLLM treats it as optional too). */
  model: string | undefined;
  prompt: SimPrompt;
  /** max_tokens (or chat's max_completion_tokens); undefined lets the simulated model decide. */
  maxTokens: number | undefined;
  /** vLLM's min_tokens: EOS is suppressed before this many tokens. */
  minTokens: number;
  /** vLLM's ignore_eos: generate exactly maxTokens. */
  ignoreEos: boolean;
  stream: boolean;
  /** stream_options.include_usage: a final chunk with `choices: []` and usage. */
  includeUsage: boolean;
  /** stream_options.continuous_usage_stats: usage on every chunk (vLLM requires include_usage too). */
  continuousUsage: boolean;
  /** The request's own `seed`, folded into the output's seed when present. */
  seed: number | undefined;
  /** Stop strings: generation ends at the first one the output contains (after min_tokens). */
  stop: string[];
  /** vLLM's include_stop_str_in_output: keep the matched stop string in the text. */
  includeStopStrInOutput: boolean;
  /** vLLM's add_special_tokens: completions prepend BOS (default true); chat adds a second one (default false). */
  addSpecialTokens: boolean;
  /** Chat: vLLM's add_generation_prompt, the assistant header that opens the answer (default true). */
  addGenerationPrompt: boolean;
}

const tokenCount = z.number().int().min(1).max(10_000_000);

const commonFields = {
  model: z.string().nullish(),
  max_tokens: tokenCount.nullish(),
  min_tokens: z.number().int().min(0).max(10_000_000).nullish(),
  ignore_eos: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z
    .looseObject({
      include_usage: z.boolean().nullish(),
      continuous_usage_stats: z.boolean().nullish(),
    })
    .nullish(),
  // One choice per request: n > 1 would multiply every stream, which this simple model does not do.
  n: z.literal(1, { error: 'the simulator generates one choice per request (n must be 1)' }).nullish(),
  seed: z.number().int().nullish(),
  // OpenAI allows a string or up to 4 strings; vLLM allows any number. Empty strings never match.
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  add_special_tokens: z.boolean().nullish(),
};

const commonSchema = z.looseObject(commonFields);

const ONE_PROMPT = 'the simulator serves one prompt per request';
const tokenId = z.number().int().min(0);

const completionsSchema = z.looseObject({
  ...commonFields,
  // The four prompt shapes of the OpenAI completions API, each mapped to a SimPrompt; a batch of
  // prompts (more than one) would need several choices per response, which this model does not do.
  prompt: z.union(
    [
      z.string().transform((text): SimPrompt => ({ kind: 'text', text })),
      z
        .array(z.string())
        .length(1, ONE_PROMPT)
        .transform((texts): SimPrompt => ({ kind: 'text', text: texts[0] ?? '' })),
      z
        .array(tokenId)
        .min(1)
        .transform((ids): SimPrompt => ({ kind: 'token-ids', ids })),
      z
        .array(z.array(tokenId).min(1))
        .length(1, ONE_PROMPT)
        .transform((batch): SimPrompt => ({ kind: 'token-ids', ids: batch[0] ?? [] })),
    ],
    { error: `expected a string or a list of token ids (${ONE_PROMPT})` },
  ),
});

const CONTENT_SHAPES = 'expected a string or a list of content parts';
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/** The `messages` of a chat request (also read by /tokenize). */
export const chatMessagesSchema = z
  .array(
    z.looseObject({
      role: z.string(),
      content: z.union([z.string(), z.array(contentPart)], { error: CONTENT_SHAPES }).nullish(),
    }),
  )
  .min(1);

const chatSchema = z.looseObject({
  ...commonFields,
  max_completion_tokens: tokenCount.nullish(),
  add_generation_prompt: z.boolean().nullish(),
  messages: chatMessagesSchema,
});

/** The outcome of parsing a body: the request, or a message listing every problem found. */
export type ParsedSimRequest = { ok: true; request: SimRequest } | { ok: false; message: string };

/** Validate a decoded JSON body sent to the given endpoint. */
export function parseSimRequest(api: SimApi, body: unknown): ParsedSimRequest {
  if (api === 'chat') {
    const result = chatSchema.safeParse(body);
    if (!result.success) return { ok: false, message: describeIssues(result.error) };
    const data = result.data;
    const prompt = chatPrompt(data.messages);
    const template = { addSpecialTokens: data.add_special_tokens ?? false, addGenerationPrompt: data.add_generation_prompt ?? true };
    return normalize(api, data, prompt, data.max_completion_tokens ?? data.max_tokens ?? undefined, template);
  }
  const result = completionsSchema.safeParse(body);
  if (!result.success) return { ok: false, message: describeIssues(result.error) };
  const template = { addSpecialTokens: result.data.add_special_tokens ?? true, addGenerationPrompt: false };
  return normalize(api, result.data, result.data.prompt, result.data.max_tokens ?? undefined, template);
}

/** Every problem, each with the field it concerns. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

function normalize(
  api: SimApi,
  data: z.output<typeof commonSchema>,
  prompt: SimPrompt,
  maxTokens: number | undefined,
  template: { addSpecialTokens: boolean; addGenerationPrompt: boolean },
): ParsedSimRequest {
  const options = data.stream_options ?? undefined;
  if (options && data.stream !== true) {
    // vLLM's own rule (and message): usage options only make sense on a stream.
    return { ok: false, message: 'Stream options can only be defined when `stream=True`.' };
  }
  const minTokens = data.min_tokens ?? 0;
  if (maxTokens !== undefined && minTokens > maxTokens) {
    return {
      ok: false,
      message: `min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`,
    };
  }
  const includeUsage = options?.include_usage === true;
  return {
    ok: true,
    request: {
      api,
      model: data.model ?? undefined,
      prompt,
      maxTokens,
      minTokens,
      ignoreEos: data.ignore_eos === true,
      stream: data.stream === true,
      includeUsage,
      continuousUsage: includeUsage && options?.continuous_usage_stats === true,
      seed: data.seed ?? undefined,
      stop: (typeof data.stop === 'string' ? [data.stop] : (data.stop ?? [])).filter((s) => s.length > 0),
      includeStopStrInOutput: data.include_stop_str_in_output === true,
      ...template,
    },
  };
}

/**
 * The messages as the template sees them. A list of parts becomes its text parts joined by newlines,
 * as vLLM does for a text-only chat template; image and other non-text parts count nothing.
 */
export function chatPrompt(messages: z.output<typeof chatMessagesSchema>): SimPrompt & { kind: 'chat' } {
  const texts = messages.map((m) =>
    typeof m.content === 'string' ? [m.content] : (m.content ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text])),
  );
  return {
    kind: 'chat',
    messages: messages.map((m, i) => ({ role: m.role, text: texts[i]!.join('\n') })),
    text: texts.flat().join('\n'),
  };
}
