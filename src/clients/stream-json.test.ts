import { describe, it, expect } from 'vitest';
import { excerpt } from '../text-excerpt.js';
import { parseJsonObject, readUsage, serverErrorMessage } from './stream-json.js';

describe('excerpt', () => {
  it('keeps short text whole and cuts long text to 200 characters plus an ellipsis', () => {
    expect(excerpt('abc')).toBe('abc');
    expect(excerpt('x'.repeat(200))).toBe('x'.repeat(200));
    expect(excerpt('y'.repeat(201))).toBe(`${'y'.repeat(200)}…`);
  });

  it('does not split a surrogate pair at the cut', () => {
    // 199 ASCII characters, then an emoji whose two UTF-16 halves sit at indexes 199 and 200.
    expect(excerpt(`${'a'.repeat(199)}🎉tail`)).toBe(`${'a'.repeat(199)}…`);
  });
});

describe('parseJsonObject', () => {
  it('returns objects only', () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonObject('[1]')).toBeUndefined();
    expect(parseJsonObject('null')).toBeUndefined();
    expect(parseJsonObject('"s"')).toBeUndefined();
    expect(parseJsonObject('{"a":')).toBeUndefined();
  });
});

describe('serverErrorMessage', () => {
  it('reads each error shape, and nothing from a normal chunk', () => {
    expect(serverErrorMessage({ error: { message: 'boom', type: 'x' } })).toBe('boom');
    expect(serverErrorMessage({ error: { code: 503 } })).toBe('{"code":503}');
    expect(serverErrorMessage({ object: 'error', message: 'bad request' })).toBe('bad request');
    expect(serverErrorMessage({ error: 'model not found' })).toBe('model not found');
    expect(serverErrorMessage({ error: null, choices: [] })).toBeUndefined();
    expect(serverErrorMessage({ object: 'chat.completion.chunk', choices: [] })).toBeUndefined();
  });
});

describe('readUsage', () => {
  it('keeps finite non-negative counts and drops anything else', () => {
    expect(readUsage(12, 3)).toEqual({ promptTokens: 12, completionTokens: 3 });
    expect(readUsage(undefined, 0)).toEqual({ completionTokens: 0 });
    expect(readUsage('12', -1)).toBeUndefined();
    expect(readUsage(Number.NaN, null)).toBeUndefined();
  });

  it('reads reasoning tokens beside the others, alone too', () => {
    expect(readUsage(12, 30, 22)).toEqual({ promptTokens: 12, completionTokens: 30, reasoningTokens: 22 });
    expect(readUsage(undefined, undefined, 0)).toEqual({ reasoningTokens: 0 });
    expect(readUsage(12, 30, '22')).toEqual({ promptTokens: 12, completionTokens: 30 });
    expect(readUsage(null, null, Infinity)).toBeUndefined();
  });
});
