/**
 * `POST /tokenize` and `POST /detokenize`, in vLLM's request and response shapes (its
 * TokenizeCompletionRequest / TokenizeChatRequest, TokenizeResponse, DetokenizeRequest and
 * DetokenizeResponse). Tokenizing goes through the same `encodePrompt` as a generation request,
 * so a prompt's `count` is its `usage.prompt_tokens` (with vLLM's default switches).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimContext } from './generate-handler.js';
import { readJson, sendError, sendJson } from './http-reply.js';
import { encodePrompt, type EncodeOptions, type PromptTokenizer } from './prompt-tokens.js';
import { chatMessagesSchema, chatPrompt, describeIssues, type SimPrompt } from './sim-request.js';

const modelField = z.string().nullish();

// vLLM's defaults differ by shape: a plain prompt gets BOS, a chat prompt's template already has it.
const completionForm = z.looseObject({
  model: modelField,
  prompt: z.string(),
  add_special_tokens: z.boolean().nullish(),
  return_token_strs: z.boolean().nullish(),
});

const chatForm = z.looseObject({
  model: modelField,
  messages: chatMessagesSchema,
  add_generation_prompt: z.boolean().nullish(),
  add_special_tokens: z.boolean().nullish(),
  return_token_strs: z.boolean().nullish(),
});

const detokenizeForm = z.looseObject({
  model: modelField,
  tokens: z.array(z.number().int().min(0)),
});

const CANNOT_DECODE =
  'the simulator\'s "words" tokenizer cannot turn ids back into text (its ids are hashes of words); ' +
  'start it with tokenizer cl100k_base or o200k_base';

/** `POST /tokenize`: `{count, max_model_len, tokens, token_strs}`. */
export async function handleTokenize(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readJson(req, res);
  if (read === undefined) return;
  const body = read.body;
  // vLLM tries the plain-prompt shape first, so a body with both is a prompt.
  const hasPrompt = typeof body === 'object' && body !== null && 'prompt' in body;
  const hasMessages = typeof body === 'object' && body !== null && 'messages' in body;
  if (!hasPrompt && !hasMessages) return sendError(res, 400, 'BadRequestError', 'body: expected `prompt` (a string) or `messages` (a list)');
  let prompt: SimPrompt;
  let options: EncodeOptions;
  let model: string | null | undefined;
  let tokenStrs: boolean;
  if (hasPrompt) {
    const r = completionForm.safeParse(body);
    if (!r.success) return sendError(res, 400, 'BadRequestError', describeIssues(r.error));
    prompt = { kind: 'text', text: r.data.prompt };
    options = { addSpecialTokens: r.data.add_special_tokens ?? true, addGenerationPrompt: false };
    [model, tokenStrs] = [r.data.model, r.data.return_token_strs === true];
  } else {
    const r = chatForm.safeParse(body);
    if (!r.success) return sendError(res, 400, 'BadRequestError', describeIssues(r.error));
    prompt = chatPrompt(r.data.messages);
    options = { addSpecialTokens: r.data.add_special_tokens ?? false, addGenerationPrompt: r.data.add_generation_prompt ?? true };
    [model, tokenStrs] = [r.data.model, r.data.return_token_strs === true];
  }
  if (!servesModel(ctx, res, model)) return;
  const tokens = Array.from(encodePrompt(ctx.tokenizer, ctx.config.promptFormat, prompt, options));
  let strs: string[] | null = null;
  if (tokenStrs) {
    const decoded = tokens.map((id) => decodeIds(ctx.tokenizer, [id]));
    const failed = decoded.find((d) => !d.ok);
    if (failed) return sendError(res, 400, 'BadRequestError', failed.message);
    strs = decoded.map((d) => (d.ok ? d.text : ''));
  }
  sendJson(res, 200, JSON.stringify({ count: tokens.length, max_model_len: ctx.config.maxModelLen, tokens, token_strs: strs }));
}

/** `POST /detokenize`: `{prompt}`, the text of the ids. */
export async function handleDetokenize(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readJson(req, res);
  if (read === undefined) return;
  const r = detokenizeForm.safeParse(read.body);
  if (!r.success) return sendError(res, 400, 'BadRequestError', describeIssues(r.error));
  if (!servesModel(ctx, res, r.data.model)) return;
  const decoded = decodeIds(ctx.tokenizer, r.data.tokens);
  if (!decoded.ok) return sendError(res, 400, 'BadRequestError', decoded.message);
  sendJson(res, 200, JSON.stringify({ prompt: decoded.text }));
}

/** False (after the 404 vLLM sends) when the request names a model the server does not serve. */
function servesModel(ctx: SimContext, res: ServerResponse, model: string | null | undefined): boolean {
  if (model === undefined || model === null || model === ctx.config.options.model) return true;
  sendError(res, 404, 'NotFoundError', `The model \`${model}\` does not exist.`);
  return false;
}

type Decoded = { ok: true; text: string } | { ok: false; message: string };

/**
 * The text of token ids. The template's special tokens become their names (`<|eot_id|>`), as a
 * tokenizer decoding with its special tokens kept writes them; the ids between them are decoded in
 * runs, so a character split over several byte tokens comes out whole.
 */
export function decodeIds(tokenizer: PromptTokenizer, ids: readonly number[]): Decoded {
  const decode = tokenizer.decode;
  if (decode === undefined) return { ok: false, message: CANNOT_DECODE };
  let text = '';
  let run: number[] = [];
  const flush = (): Decoded | undefined => {
    if (run.length === 0) return undefined;
    try {
      text += decode(run);
    } catch {
      // Which id it was: the one that does not decode on its own.
      const bad = run.find((id) => {
        try {
          decode([id]);
          return false;
        } catch {
          return true;
        }
      });
      return { ok: false, message: `Token id ${bad ?? run[0]} is out of vocabulary` };
    }
    run = [];
    return undefined;
  };
  for (const id of ids) {
    const special = tokenizer.template.specialText(id);
    if (special === undefined) {
      run.push(id);
      continue;
    }
    const failed = flush();
    if (failed) return failed;
    text += special;
  }
  return flush() ?? { ok: true, text };
}
