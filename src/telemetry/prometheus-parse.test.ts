import { describe, expect, it } from 'vitest';
import { exporterPage } from '../../test/helpers/exporter-fixtures.js';
import { parsePrometheusText, parsePromValue, typeOfSample, type PromExposition } from './prometheus-parse.js';

function parseOk(text: string): PromExposition {
  const r = parsePrometheusText(text);
  if (!r.ok) throw new Error(`expected a parse, got: ${r.error}`);
  return r.exposition;
}

function parseError(text: string): string {
  const r = parsePrometheusText(text);
  if (r.ok) throw new Error('expected a parse error');
  return r.error;
}

const sampleLines = (text: string): number => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).length;

describe('parsePrometheusText', () => {
  it('keeps every sample of a real vLLM page, labelled histograms whole', () => {
    const text = exporterPage('vllm-v1');
    const e = parseOk(text);
    expect(e.sampleCount).toBe(sampleLines(text));
    expect(e.samples.get('vllm:num_requests_running')).toEqual([
      { name: 'vllm:num_requests_running', labels: { engine: '0', model_name: 'meta-llama/Llama-3.1-8B-Instruct' }, value: 5 },
      { name: 'vllm:num_requests_running', labels: { engine: '1', model_name: 'meta-llama/Llama-3.1-8B-Instruct' }, value: 3 },
    ]);
    // The library alone loses these: per-engine _sum/_count of a labelled histogram.
    expect(e.samples.get('vllm:request_prompt_tokens_sum')?.map((s) => [s.labels.engine, s.value])).toEqual([
      ['0', 118000],
      ['1', 79000],
    ]);
    expect(e.samples.get('vllm:request_prompt_tokens_count')?.map((s) => s.value)).toEqual([400, 258]);
    const buckets = e.samples.get('vllm:time_to_first_token_seconds_bucket') ?? [];
    expect(buckets).toHaveLength(22); // 11 bounds, +Inf included, for each of two engines
    expect(buckets.find((s) => s.labels.engine === '1' && s.labels.le === '+Inf')?.value).toBe(261);
    expect(e.samples.get('process_resident_memory_bytes')?.[0]?.value).toBe(2.087682048e9);
    expect(typeOfSample(e, 'vllm:request_prompt_tokens_sum')).toBe('histogram');
    expect(typeOfSample(e, 'vllm:prompt_tokens_total')).toBe('counter');
    expect(typeOfSample(e, 'vllm:num_requests_running')).toBe('gauge');
  });

  it('parses every fixture page whole', () => {
    for (const name of ['vllm-v0', 'sglang', 'tgi', 'dcgm'] as const) {
      const text = exporterPage(name);
      expect(parseOk(text).sampleCount, name).toBe(sampleLines(text));
    }
  });

  it('reads a counter under both namings: `# TYPE x_total counter` and OpenMetrics `# TYPE x counter`', () => {
    const classic = parseOk('# TYPE vllm:num_preemptions_total counter\nvllm:num_preemptions_total{engine="0"} 7\n');
    const open = parseOk(
      [
        '# HELP vllm:num_preemptions Cumulative number of preemption from the engine.',
        '# TYPE vllm:num_preemptions counter',
        'vllm:num_preemptions_total{engine="0"} 7.0',
        'vllm:num_preemptions_created{engine="0"} 1.7504137849e+09',
        '# EOF',
      ].join('\n'),
    );
    for (const e of [classic, open]) {
      expect(e.samples.get('vllm:num_preemptions_total')?.[0]?.value).toBe(7);
      expect(typeOfSample(e, 'vllm:num_preemptions_total')).toBe('counter');
    }
    expect(typeOfSample(open, 'vllm:num_preemptions_created')).toBe('counter');
    expect(typeOfSample(open, 'never_declared')).toBe('untyped');
  });

  it('reads special values, escapes, timestamps, CRLF and a last line without newline', () => {
    const e = parseOk(
      [
        'a_nan NaN',
        'a_inf +Inf',
        'a_neg_inf{x="1"} -Inf',
        'a_go_inf Inf',
        'a_exp 1.5e-3 1700000000000',
        'weird{path="C:\\\\DIR\\\\F.TXT",msg="say \\"hi\\"\\nbye"} 3',
        'last_line 42',
      ].join('\r\n'),
    );
    expect(e.samples.get('a_nan')?.[0]?.value).toBeNaN();
    expect(e.samples.get('a_inf')?.[0]?.value).toBe(Infinity);
    expect(e.samples.get('a_neg_inf')?.[0]?.value).toBe(-Infinity);
    expect(e.samples.get('a_go_inf')?.[0]?.value).toBe(Infinity);
    expect(e.samples.get('a_exp')?.[0]?.value).toBe(0.0015);
    expect(e.samples.get('weird')?.[0]?.labels).toEqual({ path: 'C:\\DIR\\F.TXT', msg: 'say "hi"\nbye' });
    expect(e.samples.get('last_line')?.[0]?.value).toBe(42);
  });

  it('accepts an empty page and a page of comments as zero samples', () => {
    expect(parseOk('').sampleCount).toBe(0);
    expect(parseOk('# HELP x nothing yet\n# TYPE x gauge\n\n').sampleCount).toBe(0);
  });

  it('turns what is not Prometheus text into an error naming the line, never a throw', () => {
    expect(parseError('<!DOCTYPE html>\n<html><body>Not Found</body></html>\n')).toMatch(/^line 1: not a Prometheus sample line: "<!DOCTYPE html>"/);
    expect(parseError('{"error":"model not loaded"}')).toMatch(/^line 1: /);
    expect(parseError('ok_metric 1\nbad{a=unquoted} 1\n')).toMatch(/^line 2: .*bad\{a=unquoted\} 1/);
    expect(parseError('# TYPE x gauge\nx{a="1"}\n')).toMatch(/^line 2: /); // no value
    expect(parseError('x 12abc\n')).toMatch(/^line 1: /);
    expect(parseError('x{a="1"} 1\nx{a="1"} 2\n')).toMatch(/^line 2: duplicate sample/);
    expect(parseError('# TYPE x sometype\nx 1\n')).toMatch(/^line 1: not a valid # TYPE line/);
    expect(parseError('x{1a="b"} 1\n')).toMatch(/^line 1: /);
  });
});

describe('parsePrometheusText with keep', () => {
  it('parses only the kept names, and still rejects a page that is not Prometheus text', () => {
    const text = exporterPage('vllm-v1');
    const e = parseOk2(text, (n) => n === 'vllm:num_requests_running' || n === 'vllm:request_prompt_tokens_sum');
    expect([...e.samples.keys()]).toEqual(['vllm:num_requests_running', 'vllm:request_prompt_tokens_sum']);
    expect(e.sampleCount).toBe(4);
    const keepNone = (): boolean => false;
    expect(parsePrometheusText('<html><body>Bad Gateway</body></html>', { keep: keepNone })).toEqual({
      ok: false,
      error: 'line 1: not a Prometheus sample line: "<html><body>Bad Gateway</body></html>"',
    });
    expect(parsePrometheusText('{"object":"error"}\n', { keep: keepNone }).ok).toBe(false);
    expect(parsePrometheusText('just_a_name\n', { keep: keepNone }).ok).toBe(false);
    expect(parsePrometheusText(text, { keep: keepNone })).toMatchObject({ ok: true, exposition: { sampleCount: 0 } });
  });
});

function parseOk2(text: string, keep: (name: string) => boolean): PromExposition {
  const r = parsePrometheusText(text, { keep });
  if (!r.ok) throw new Error(r.error);
  return r.exposition;
}

describe('parsePromValue', () => {
  it('reads Go and Python float text and rejects what Number() would wrongly accept', () => {
    expect(parsePromValue('1')).toBe(1);
    expect(parsePromValue('-0.5')).toBe(-0.5);
    expect(parsePromValue('8.128902e+06')).toBe(8128902);
    expect(parsePromValue('.5')).toBe(0.5);
    expect(parsePromValue('+Inf')).toBe(Infinity);
    expect(parsePromValue('nan')).toBeNaN();
    expect(parsePromValue('')).toBeNull();
    expect(parsePromValue(' ')).toBeNull();
    expect(parsePromValue('0x10')).toBeNull();
    expect(parsePromValue('1,5')).toBeNull();
  });
});
