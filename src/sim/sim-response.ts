/**
 * The bytes of the simulator's responses, shaped as vLLM's OpenAI server shapes them (field names,
 * field order, which fields are null and which are left out). PURE.
 *
 * vLLM dumps completions chunks with every field (so `"usage":null` appears on each) but chat chunks
 * without unset fields (no `usage` key unless continuous usage is on, `stop_reason` only on the
 * finishing chunk). The final usage chunk drops nulls. Clients are tested against this exact shape.
 *
 * Streamed events are assembled from precomputed string pieces rather than JSON.stringify of an
 * object per token: the simulator writes tens of thousands of events a second.
 */
import { tokensText, type GenerationPlan } from './generation-plan.js';
import type { SimApi } from './sim-request.js';

/** What every chunk of one response repeats. */
export interface ResponseMeta {
  api: SimApi;
  /** `cmpl-...` or `chatcmpl-...`. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  /** Chat: the delta and message field that carries reasoning text (vLLM's name, old or new). */
  reasoningField: ReasoningField;
}

/** vLLM's name for the reasoning text: `reasoning_content` until v0.10, then `reasoning`. */
export type ReasoningField = 'reasoning_content' | 'reasoning';

/** Token counts for a usage object. */
export interface UsageCounts {
  promptTokens: number;
  completionTokens: number;
  /** Of the completion tokens, how many were reasoning; reported only when more than 0. */
  reasoningTokens?: number;
}

/** Builds the `data: ...\n\n` events of one stream. */
export interface SseRenderer {
  /** Chat only: the role-only first delta, `{"role":"assistant","content":""}`. */
  role(usage?: UsageCounts): string;
  /**
   * One content event; `finishReason` (and the matched stop string, if any) is set on the last.
   * Chat: with `reasoning`, the delta carries it in the reasoning field, and `text` (if not empty)
   * as content beside it, as vLLM's delta does when one event spans the end of the reasoning.
   */
  content(text: string, finishReason: string | null, usage?: UsageCounts, stopReason?: string | null, reasoning?: string): string;
  /** The `choices: []` event that stream_options.include_usage asks for. */
  usage(usage: UsageCounts): string;
}

/** The stream terminator. */
export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * vLLM's UsageInfo, in its field order. vLLM itself does not count reasoning tokens; the details
 * are OpenAI's field, added so a client can check its own split of reasoning and answer.
 */
function usageJson(u: UsageCounts): string {
  const details = u.reasoningTokens ? `,"completion_tokens_details":{"reasoning_tokens":${u.reasoningTokens}}` : '';
  return (
    `{"prompt_tokens":${u.promptTokens},"total_tokens":${u.promptTokens + u.completionTokens},` +
    `"completion_tokens":${u.completionTokens}${details}}`
  );
}

/** Create the event builder for one stream. */
export function createSseRenderer(meta: ResponseMeta): SseRenderer {
  const object = meta.api === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const head =
    `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},` +
    `"model":${JSON.stringify(meta.model)},"choices":`;
  const chat = meta.api === 'chat';
  // Completions chunks carry every field; chat chunks only the ones vLLM sets (see file comment).
  const tail = (usage: UsageCounts | undefined): string =>
    usage ? `,"usage":${usageJson(usage)}}\n\n` : chat ? '}\n\n' : ',"usage":null}\n\n';
  const finish = (reason: string | null, stopReason: string | null): string =>
    reason === null
      ? chat
        ? `"finish_reason":null}]`
        : `"finish_reason":null,"stop_reason":null}]`
      : `"finish_reason":${JSON.stringify(reason)},"stop_reason":${JSON.stringify(stopReason)}}]`;
  const roleChoice = '[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]';
  const textField = chat ? '[{"index":0,"delta":{"content":' : '[{"index":0,"text":';
  const afterText = chat ? '},"logprobs":null,' : ',"logprobs":null,';
  const reasoningField = `[{"index":0,"delta":{${JSON.stringify(meta.reasoningField)}:`;
  return {
    role: (usage) => head + roleChoice + tail(usage),
    content: (text, finishReason, usage, stopReason = null, reasoning) =>
      (reasoning === undefined
        ? head + textField + JSON.stringify(text)
        : head + reasoningField + JSON.stringify(reasoning) + (text === '' ? '' : `,"content":${JSON.stringify(text)}`)) +
      afterText +
      finish(finishReason, stopReason) +
      tail(usage),
    usage: (usage) => `${head}[],"usage":${usageJson(usage)}}\n\n`,
  };
}

/** The body of a non-streaming response: the whole text at once, with usage. */
export function renderCompletionBody(meta: ResponseMeta, plan: GenerationPlan): string {
  const text = plan.text;
  const k = plan.reasoningTokens;
  const usage = {
    prompt_tokens: plan.promptTokens,
    total_tokens: plan.promptTokens + plan.outputTokens,
    completion_tokens: plan.outputTokens,
    prompt_tokens_details: null,
    ...(k > 0 ? { completion_tokens_details: { reasoning_tokens: k } } : {}),
  };
  // An answer that ended inside its reasoning has no content at all: null, as vLLM's parser leaves it.
  const answer = k === 0 ? text : k === plan.outputTokens ? null : tokensText(plan, k, plan.outputTokens);
  const reasoning = k > 0 ? { [meta.reasoningField]: tokensText(plan, 0, k) } : {};
  const choice =
    meta.api === 'chat'
      ? {
          index: 0,
          message: { role: 'assistant', content: answer, tool_calls: [], ...reasoning },
          logprobs: null,
          finish_reason: plan.finishReason,
          stop_reason: plan.stopReason,
        }
      : {
          index: 0,
          text,
          logprobs: null,
          finish_reason: plan.finishReason,
          stop_reason: plan.stopReason,
          prompt_logprobs: null,
        };
  return JSON.stringify({
    id: meta.id,
    object: meta.api === 'chat' ? 'chat.completion' : 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [choice],
    usage,
  });
}

/** vLLM's error body (its ErrorResponse): the same shape for 400s and for an unknown model's 404. */
export function renderErrorBody(code: number, type: string, message: string): string {
  return JSON.stringify({ object: 'error', message, type, param: null, code });
}
