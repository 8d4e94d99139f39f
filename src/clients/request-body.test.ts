import { describe, it, expect } from 'vitest';
import { chatMessages, exactLengthFields, textPrompt, withExtraBody } from './request-body.js';

describe('textPrompt', () => {
  it('passes a string through and throws a TypeError naming the protocol for messages', () => {
    expect(textPrompt('openai-completions', 'abc')).toBe('abc');
    expect(() => textPrompt('ollama-generate', [])).toThrow(
      new TypeError('the ollama-generate protocol takes a text prompt, not chat messages'),
    );
  });
});

describe('chatMessages', () => {
  it('makes a string one user message and copies a list, role and content only', () => {
    expect(chatMessages('Hi')).toEqual([{ role: 'user', content: 'Hi' }]);
    const given = [{ role: 'system', content: 's', name: 'x' }];
    const sent = chatMessages(given);
    expect(sent).toEqual([{ role: 'system', content: 's' }]);
    expect(sent[0]).not.toBe(given[0]);
  });
});

describe('exactLengthFields', () => {
  it('asks for exactly maxTokens only when both are given', () => {
    expect(exactLengthFields({ model: 'm', prompt: 'p', maxTokens: 5, ignoreEos: true })).toEqual({
      ignore_eos: true,
      min_tokens: 5,
    });
    expect(exactLengthFields({ model: 'm', prompt: 'p', ignoreEos: true })).toEqual({});
    expect(exactLengthFields({ model: 'm', prompt: 'p', maxTokens: 5 })).toEqual({});
  });
});

describe('withExtraBody', () => {
  it('adds the extra fields after its own, its own winning even where they are undefined', () => {
    const body = withExtraBody({ model: 'm', max_tokens: undefined }, { max_tokens: 9, model: 'x', seed: 1 });
    expect(JSON.stringify(body)).toBe('{"model":"m","seed":1}');
    expect(withExtraBody({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('keeps a __proto__ key from parsed JSON a plain field, never the prototype', () => {
    const extra = JSON.parse('{"__proto__":{"polluted":true},"seed":1}') as Record<string, unknown>;
    const body = withExtraBody({ model: 'm' }, extra);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(body)).toBe('{"model":"m","__proto__":{"polluted":true},"seed":1}');
  });
});
