import { describe, expect, it } from 'vitest';
import { parseAzureTimestamp, readAzureRow, readBurstGptRow, readMooncakeRow, readTraceJsonlRow, requiredTraceColumns } from './trace-rows.js';

const errorOf = (r: unknown): string => (r as { error: string }).error;

describe('Mooncake rows', () => {
  it('reads the four fields of a FAST25 trace line exactly', () => {
    // The first line of kvcache-ai/Mooncake FAST25-release/traces/conversation_trace.jsonl.
    const line = '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}';
    expect(readMooncakeRow(line, 1)).toEqual({
      entry: { timestampMs: 0, inputTokens: 6758, outputTokens: 500, hashIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], sourceId: 'line 1' },
    });
    expect(readMooncakeRow('{"timestamp": 3052.5, "input_length": 2, "output_length": 1, "extra": true}', 4)).toEqual({
      entry: { timestampMs: 3052.5, inputTokens: 2, outputTokens: 1, sourceId: 'line 4' },
    });
  });

  it('names the line and the field of every kind of bad row', () => {
    const err = (t: string): string => errorOf(readMooncakeRow(t, 7));
    expect(err('{"timestamp": 0, "input_length": ')).toMatch(/^line 7: not valid JSON \(/);
    expect(err('[1]')).toBe('line 7: not a JSON object');
    expect(err('{"input_length": 5, "output_length": 5}')).toBe('line 7, field "timestamp": missing');
    expect(err('{"timestamp": "0", "input_length": 5, "output_length": 5}')).toBe('line 7, field "timestamp": not a number of ms >= 0 ("0")');
    expect(err('{"timestamp": -1, "input_length": 5, "output_length": 5}')).toBe('line 7, field "timestamp": not a number of ms >= 0 (-1)');
    expect(err('{"timestamp": 0, "output_length": 5}')).toBe('line 7, field "input_length": missing');
    expect(err('{"timestamp": 0, "input_length": -3, "output_length": 5}')).toBe('line 7, field "input_length": not a whole number >= 0 (-3)');
    expect(err('{"timestamp": 0, "input_length": 5, "output_length": 2.5}')).toBe('line 7, field "output_length": not a whole number >= 0 (2.5)');
    expect(err('{"timestamp": 0, "input_length": 5, "output_length": "abc"}')).toBe('line 7, field "output_length": not a whole number >= 0 ("abc")');
    expect(err('{"timestamp": 0, "input_length": 5, "output_length": 5, "hash_ids": 3}')).toBe('line 7, field "hash_ids": not a list (3)');
    expect(err('{"timestamp": 0, "input_length": 5, "output_length": 5, "hash_ids": [0, -1]}')).toBe('line 7, field "hash_ids": element 1 is not a whole number >= 0 (-1)');
  });

  it('skips rows that cannot be sent: no prompt, or nothing to generate', () => {
    expect(readMooncakeRow('{"timestamp": 0, "input_length": 0, "output_length": 5}', 1)).toEqual({ skip: 'zero input tokens' });
    expect(readMooncakeRow('{"timestamp": 0, "input_length": 5, "output_length": 0}', 1)).toEqual({ skip: 'zero output tokens' });
  });
});

describe('generic JSONL rows', () => {
  it('carries a prompt or messages, and -1 input tokens when input_length is left out', () => {
    expect(readTraceJsonlRow('{"timestamp": 10, "input_length": 3, "output_length": 4}', 2)).toEqual({ entry: { timestampMs: 10, inputTokens: 3, outputTokens: 4, sourceId: 'line 2' } });
    expect(readTraceJsonlRow('{"timestamp": 10, "prompt": "hi there", "output_length": 4}', 3)).toEqual({
      entry: { timestampMs: 10, inputTokens: -1, outputTokens: 4, prompt: 'hi there', sourceId: 'line 3' },
    });
    expect(readTraceJsonlRow('{"timestamp": 11, "messages": [{"role": "user", "content": "q", "name": "x"}], "input_length": 9, "output_length": 1}', 4)).toEqual({
      entry: { timestampMs: 11, inputTokens: 9, outputTokens: 1, messages: [{ role: 'user', content: 'q' }], sourceId: 'line 4' },
    });
  });

  it('names the line and the field of every kind of bad row', () => {
    const err = (t: string): string => errorOf(readTraceJsonlRow(t, 5));
    expect(err('{"timestamp": 0, "output_length": 4}')).toBe('line 5, field "input_length": missing (needed without a prompt or messages)');
    expect(err('{"timestamp": 0, "prompt": "a", "input_length": 1.5, "output_length": 4}')).toBe('line 5, field "input_length": not a whole number >= 0 (1.5)');
    expect(err('{"timestamp": 0, "prompt": "a", "messages": [], "output_length": 4}')).toBe('line 5: has both prompt and messages; give one');
    expect(err('{"timestamp": 0, "prompt": "", "output_length": 4}')).toBe('line 5, field "prompt": not a non-empty string ("")');
    expect(err('{"timestamp": 0, "messages": [], "output_length": 4}')).toBe('line 5, field "messages": not a non-empty list');
    expect(err('{"timestamp": 0, "messages": [{"role": "user"}], "output_length": 4}')).toBe('line 5, field "messages": element 0 is not {"role": string, "content": string}');
    expect(err('{"timestamp": 0, "prompt": "a"}')).toBe('line 5, field "output_length": missing');
  });
});

describe('BurstGPT rows', () => {
  const row = (over: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
    Timestamp: '5',
    Model: 'ChatGPT',
    'Request tokens': '472',
    'Response tokens': '18',
    'Total tokens': '490',
    'Log Type': 'Conversation log',
    ...over,
  });

  it('reads seconds as ms and the token columns exactly', () => {
    expect(readBurstGptRow(row(), 2)).toEqual({ entry: { timestampMs: 5000, inputTokens: 472, outputTokens: 18, sourceId: 'line 2' } });
    expect(readBurstGptRow(row({ Timestamp: '5.25', 'Request tokens': '472.0' }), 3)).toEqual({ entry: { timestampMs: 5250, inputTokens: 472, outputTokens: 18, sourceId: 'line 3' } });
  });

  it('skips failed requests (0 response tokens) and, with a filter, the other model', () => {
    expect(readBurstGptRow(row({ 'Response tokens': '0' }), 2)).toEqual({ skip: 'zero response tokens' });
    expect(readBurstGptRow(row({ 'Request tokens': '0' }), 2)).toEqual({ skip: 'zero input tokens' });
    expect(readBurstGptRow(row(), 2, { modelFilter: 'GPT-4' })).toEqual({ skip: 'other model' });
    expect(readBurstGptRow(row({ Model: 'GPT-4' }), 2, { modelFilter: 'gpt-4' })).toMatchObject({ entry: { inputTokens: 472 } });
  });

  it('names the line and the column of a bad cell', () => {
    const err = (over: Record<string, string | undefined>): string => errorOf(readBurstGptRow(row(over), 7));
    expect(err({ 'Request tokens': 'abc' })).toBe('line 7, column "Request tokens": not a whole number >= 0 ("abc")');
    expect(err({ 'Request tokens': '-4' })).toBe('line 7, column "Request tokens": not a whole number >= 0 ("-4")');
    expect(err({ 'Response tokens': '1.5' })).toBe('line 7, column "Response tokens": not a whole number >= 0 ("1.5")');
    expect(err({ 'Response tokens': '' })).toBe('line 7, column "Response tokens": not a whole number >= 0 ("")');
    expect(err({ 'Response tokens': undefined })).toBe('line 7, column "Response tokens": missing');
    expect(err({ Timestamp: '0x10' })).toBe('line 7, column "Timestamp": not a number of seconds >= 0 ("0x10")');
    expect(err({ Timestamp: '-1' })).toBe('line 7, column "Timestamp": not a number of seconds >= 0 ("-1")');
  });

  it('needs the Model column only to filter on it', () => {
    expect(requiredTraceColumns('burstgpt')).toEqual(['Timestamp', 'Request tokens', 'Response tokens']);
    expect(requiredTraceColumns('burstgpt', { modelFilter: 'ChatGPT' })).toEqual(['Timestamp', 'Model', 'Request tokens', 'Response tokens']);
    expect(requiredTraceColumns('azure')).toEqual(['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']);
  });
});

describe('Azure rows', () => {
  it('reads a 2023 row: the 7-digit fraction kept, the time taken as UTC', () => {
    // The first row of Azure/AzurePublicDataset data/AzureLLMInferenceTrace_conv.csv.
    expect(readAzureRow({ TIMESTAMP: '2023-11-16 18:15:46.6805900', ContextTokens: '374', GeneratedTokens: '44' }, 2)).toEqual({
      entry: { timestampMs: Date.UTC(2023, 10, 16, 18, 15, 46) + 680.59, inputTokens: 374, outputTokens: 44, sourceId: 'line 2' },
    });
    expect(errorOf(readAzureRow({ TIMESTAMP: '2023-11-16 18:15:46', ContextTokens: 'x', GeneratedTokens: '44' }, 3))).toBe('line 3, column "ContextTokens": not a whole number >= 0 ("x")');
    expect(errorOf(readAzureRow({ TIMESTAMP: '16/11/2023 18:15', ContextTokens: '1', GeneratedTokens: '44' }, 4))).toBe(
      'line 4, column "TIMESTAMP": not a date and time like 2023-11-16 18:15:46.6805900 ("16/11/2023 18:15")',
    );
  });

  it('keeps the fraction past the ms, down to what a double holds at epoch scale (~0.24 us)', () => {
    const a = parseAzureTimestamp('2023-11-16 18:15:50.9951690')!;
    const b = parseAzureTimestamp('2023-11-16 18:15:46.6805900')!;
    // 2^-12 ms is the spacing of doubles near 1.7e12: the difference is right to that.
    expect(Math.abs(a - b - 4314.579)).toBeLessThanOrEqual(2 ** -12);
    expect(parseAzureTimestamp('1970-01-01 00:00:00.0000001')).toBe(0.0001);
    expect(parseAzureTimestamp('1970-01-01 00:00:01.123456789')).toBe(1000 + 123456789 / 1e6);
    expect(parseAzureTimestamp('2023-11-16 18:15:46.5')).toBe(Date.UTC(2023, 10, 16, 18, 15, 46, 500));
  });

  it('reads the 2024 forms, with and without a fraction, and applies a zone offset', () => {
    expect(parseAzureTimestamp('2024-05-12 00:00:00.001163+00:00')).toBe(Date.UTC(2024, 4, 12) + 1.163);
    expect(parseAzureTimestamp('2024-05-12 00:00:00+00:00')).toBe(Date.UTC(2024, 4, 12));
    expect(parseAzureTimestamp('2024-05-12T02:00:00+02:00')).toBe(Date.UTC(2024, 4, 12));
    expect(parseAzureTimestamp('2024-05-11 19:30:00-0430')).toBe(Date.UTC(2024, 4, 12));
    expect(parseAzureTimestamp('2024-05-12T00:00:00Z')).toBe(Date.UTC(2024, 4, 12));
  });

  it('refuses dates and times that do not exist', () => {
    for (const t of ['2023-02-30 00:00:00', '2023-13-01 00:00:00', '2023-11-16 24:00:00', '2023-11-16 18:60:00', '2023-11-16 18:15:46.', '2023-11-16 18:15:46.1234567890', '', '2023-11-16']) {
      expect(parseAzureTimestamp(t), t).toBeNull();
    }
  });
});
