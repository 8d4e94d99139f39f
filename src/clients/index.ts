/**
 * Every API protocol llmload speaks, keyed by kind, and the guess of a kind from an endpoint's path.
 */
import { ollamaChatClient } from './ollama-chat.js';
import { ollamaGenerateClient } from './ollama-generate.js';
import { openAiChatClient } from './openai-chat.js';
import { openAiCompletionsClient } from './openai-completions.js';
import type { ApiKind, ProtocolClient } from './protocol.js';
import { isJsonObject } from './stream-json.js';
import { vllmGenerateClient } from './vllm-generate.js';

export { API_KINDS } from './protocol.js';
export type {
  ApiKind,
  ChatMessage,
  GenerationRequest,
  ParsedStream,
  ProtocolClient,
  StreamErrorKind,
  TimedChunk,
} from './protocol.js';

/** The client for each API kind. */
export const PROTOCOLS: Readonly<Record<ApiKind, ProtocolClient>> = {
  'openai-completions': openAiCompletionsClient,
  'openai-chat': openAiChatClient,
  'vllm-generate': vllmGenerateClient,
  'ollama-generate': ollamaGenerateClient,
  'ollama-chat': ollamaChatClient,
};

/**
 * What is wrong with `extraBody` as extra fields for `kind`, one line a problem, empty when nothing is:
 * each top-level key the protocol sets itself (the user's value would be dropped or fight ours), and
 * for Ollama an `options` that is not an object (it is merged with num_predict, so it must be one).
 * The lines name the key, not the flag: the caller knows where the body came from.
 */
export function reservedKeyProblems(kind: ApiKind, extraBody: Readonly<Record<string, unknown>>): string[] {
  const reserved = PROTOCOLS[kind].reservedBodyKeys;
  const problems = Object.keys(extraBody)
    .filter((key) => reserved.includes(key))
    .map((key) => `"${key}" is set by the ${kind} protocol itself`);
  const options = extraBody.options;
  if ((kind === 'ollama-generate' || kind === 'ollama-chat') && options !== undefined && !isJsonObject(options)) {
    problems.push(`"options" must be an object for ${kind} (it is merged with num_predict)`);
  }
  return problems;
}

/**
 * Each path suffix and the kind it names. Order matters: a longer suffix comes before the shorter one
 * it ends with (`/chat/completions` before `/completions`, `/api/generate` before `/generate`).
 */
const PATH_SUFFIXES: ReadonlyArray<readonly [string, ApiKind]> = [
  ['/chat/completions', 'openai-chat'],
  ['/completions', 'openai-completions'],
  ['/api/generate', 'ollama-generate'],
  ['/api/chat', 'ollama-chat'],
  ['/generate', 'vllm-generate'],
];

/**
 * The API kind an endpoint URL names by its path, or undefined when the path names none (the caller
 * then asks for `--api`). A trailing slash is ignored; query and host play no part.
 */
export function inferApiKind(url: URL): ApiKind | undefined {
  let path = url.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  for (const [suffix, kind] of PATH_SUFFIXES) {
    if (path.endsWith(suffix)) return kind;
  }
  return undefined;
}
