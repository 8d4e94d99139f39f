import { describe, it, expect } from 'vitest';
import { API_KINDS, inferApiKind, PROTOCOLS, reservedKeyProblems } from './index.js';

describe('PROTOCOLS', () => {
  it('has one client per API kind, each under its own kind', () => {
    expect(Object.keys(PROTOCOLS).sort()).toEqual([...API_KINDS].sort());
    for (const kind of API_KINDS) expect(PROTOCOLS[kind].kind).toBe(kind);
  });

  it('reserves every top-level key a client sets itself, Ollama options apart (they merge)', () => {
    for (const kind of API_KINDS) {
      const client = PROTOCOLS[kind];
      const body = JSON.parse(client.buildBody({ model: 'm', prompt: 'p', maxTokens: 8, ignoreEos: true })) as object;
      const merged = kind.startsWith('ollama-') ? ['options'] : [];
      const unreserved = Object.keys(body).filter((key) => !merged.includes(key) && !client.reservedBodyKeys.includes(key));
      expect(unreserved, kind).toEqual([]);
    }
  });
});

describe('reservedKeyProblems', () => {
  it('names each key of the extra body that the protocol sets itself', () => {
    expect(reservedKeyProblems('openai-chat', { temperature: 0, stream: false, max_completion_tokens: 9 })).toEqual([
      '"stream" is set by the openai-chat protocol itself',
      '"max_completion_tokens" is set by the openai-chat protocol itself',
    ]);
    expect(reservedKeyProblems('openai-completions', { min_tokens: 1, ignore_eos: true })).toEqual([
      '"min_tokens" is set by the openai-completions protocol itself',
      '"ignore_eos" is set by the openai-completions protocol itself',
    ]);
    // /generate sends no model, so the key is the user's (the server will refuse it, in its own words).
    expect(reservedKeyProblems('vllm-generate', { model: 'x', prompt: 'y' })).toEqual([
      '"prompt" is set by the vllm-generate protocol itself',
    ]);
    expect(reservedKeyProblems('openai-chat', { top_p: 0.9, chat_template_kwargs: { enable_thinking: false } })).toEqual([]);
  });

  it('lets Ollama options through when they are an object, to merge with num_predict', () => {
    expect(reservedKeyProblems('ollama-chat', { options: { temperature: 0 }, keep_alive: 0 })).toEqual([]);
    expect(reservedKeyProblems('ollama-generate', { options: [1], messages: [] })).toEqual([
      '"options" must be an object for ollama-generate (it is merged with num_predict)',
    ]);
    expect(reservedKeyProblems('ollama-chat', { options: null, messages: [] })).toEqual([
      '"messages" is set by the ollama-chat protocol itself',
      '"options" must be an object for ollama-chat (it is merged with num_predict)',
    ]);
  });
});

describe('inferApiKind', () => {
  const cases = [
    ['http://localhost:8000/v1/chat/completions', 'openai-chat'],
    ['https://api.example.com/openai/v1/chat/completions/', 'openai-chat'],
    ['http://localhost:8000/v1/completions', 'openai-completions'],
    ['http://localhost:8080/completions?x=1', 'openai-completions'],
    ['http://localhost:11434/api/generate', 'ollama-generate'],
    ['http://localhost:11434/api/chat', 'ollama-chat'],
    ['http://localhost:11434/v1/chat/completions', 'openai-chat'],
    ['http://localhost:8000/generate', 'vllm-generate'],
    ['http://localhost:8000/generate//', 'vllm-generate'],
    ['http://localhost:8000/', undefined],
    ['http://localhost:8000/v1', undefined],
    ['http://localhost:8000/v1/embeddings', undefined],
    ['http://localhost:8000/api/chatty', undefined],
  ] as const;
  for (const [url, kind] of cases) {
    it(`${url} -> ${kind ?? 'undefined'}`, () => {
      expect(inferApiKind(new URL(url))).toBe(kind);
    });
  }
});
