import { describe, it, expect } from 'vitest';
import { API_KINDS, inferApiKind, PROTOCOLS } from './index.js';

describe('PROTOCOLS', () => {
  it('has one client per API kind, each under its own kind', () => {
    expect(Object.keys(PROTOCOLS).sort()).toEqual([...API_KINDS].sort());
    for (const kind of API_KINDS) expect(PROTOCOLS[kind].kind).toBe(kind);
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
