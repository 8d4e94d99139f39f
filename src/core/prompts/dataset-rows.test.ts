import { describe, expect, it } from 'vitest';
import { readJsonlRow, readShareGptRow } from './dataset-rows.js';

describe('ShareGPT rows', () => {
  it('takes the first human turn as the prompt and the turn after it as the reply', () => {
    const r = readShareGptRow(
      { id: 'x1', conversations: [{ from: 'system', value: 'be nice' }, { from: 'human', value: 'hi?' }, { from: 'gpt', value: 'hello!' }, { from: 'human', value: 'more' }] },
      4,
    );
    expect(r).toEqual({ row: { sourceId: '$[4] (id x1)', prompt: 'hi?', reply: 'hello!' } });
  });

  it('skips a conversation without a reply, and names the JSON path of a malformed row', () => {
    expect(readShareGptRow({ conversations: [{ from: 'human', value: 'alone' }] }, 0)).toEqual({ skip: 'no human turn with a reply' });
    expect(readShareGptRow({ conversations: [] }, 0)).toEqual({ skip: 'no human turn with a reply' });
    expect(readShareGptRow([1], 2)).toMatchObject({ error: expect.stringMatching(/^\$\[2\]: not an object/) });
    expect(readShareGptRow({ id: 1 }, 3)).toEqual({ error: '$[3].conversations: missing or not a list' });
    expect(readShareGptRow({ conversations: [{ from: 'human', value: 7 }] }, 5)).toEqual({ error: '$[5].conversations[0].value: not a string' });
  });
});

describe('JSONL rows', () => {
  it('reads prompt, messages, output_tokens, max_tokens and id, and keeps other fields as info', () => {
    expect(readJsonlRow('{"prompt":"hi","output_tokens":12,"id":"a","topic":"x"}', 3)).toEqual({
      row: { sourceId: 'line 3 (id a)', prompt: 'hi', outputTokens: 12, info: { topic: 'x', id: 'a' } },
    });
    expect(readJsonlRow('{"messages":[{"role":"user","content":"q"}],"max_tokens":5}', 1)).toEqual({
      row: { sourceId: 'line 1', prompt: [{ role: 'user', content: 'q' }], outputTokens: 5 },
    });
  });

  it('names the line of every kind of bad row', () => {
    const err = (t: string): string => (readJsonlRow(t, 9) as { error: string }).error;
    expect(err('{"prompt": ')).toMatch(/^line 9: not valid JSON/);
    expect(err('[1,2]')).toBe('line 9: not a JSON object');
    expect(err('{"text":"x"}')).toBe('line 9: has neither prompt (a string) nor messages (a list of {role, content})');
    expect(err('{"prompt":"a","messages":[]}')).toBe('line 9: has both prompt and messages; give one');
    expect(err('{"prompt":3}')).toBe('line 9: prompt is not a string');
    expect(err('{"messages":[{"role":"user"}]}')).toBe('line 9: messages[0] is not {"role": string, "content": string}');
    expect(err('{"prompt":"a","output_tokens":0}')).toBe('line 9: output_tokens must be a whole number >= 1, got 0');
  });
});
