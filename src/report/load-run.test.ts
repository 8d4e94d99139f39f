import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LlmloadError } from '../errors.js';
import { writeSyntheticRunFolder } from '../../test/helpers/synthetic-run.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { loadRun } from './load-run.js';
import { parseSavedResult } from './saved-result.js';

describe('loadRun', () => {
  it('reads a run folder back: every request, and summary.json validated', async () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 30, failEvery: 10, model: 'm-1', label: 'lbl' });
    const run = await loadRun(dir);
    expect(run.requests).toHaveLength(30);
    expect(run.requests.filter((r) => !r.ok)).toHaveLength(3);
    expect(run.result.config).toMatchObject({ model: 'm-1', label: 'lbl', ratePerSec: 20, maxConcurrency: 16 });
    expect(run.result.summary.requests).toMatchObject({ total: 30, failed: 3 });
    expect(run.itl?.count).toBeGreaterThan(0);
    expect(run.skipped.count).toBe(0);
  });

  it('skips a torn or invalid line, counting it with its line number, and keeps the rest', async () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 5 });
    const path = join(dir, 'requests.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(2, 0, '{"seq": 99, "intendedAtMs": "soon"}');
    writeFileSync(path, lines.join('\n'));
    appendFileSync(path, '{"seq":5,"intendedAt'); // killed mid-write
    const run = await loadRun(dir);
    expect(run.requests).toHaveLength(5);
    expect(run.skipped.count).toBe(2);
    expect(run.skipped.examples[0]).toMatch(/^line 3: intendedAtMs: /);
    expect(run.skipped.examples[1]).toBe('line 7: not valid JSON');
  });

  it('says plainly when a folder is not a run (bad input, exit 2)', async () => {
    const empty = tempDir();
    await expect(loadRun(join(empty, 'nope'))).rejects.toThrow(/is not an llmload run folder: no such folder/);
    await expect(loadRun(empty)).rejects.toThrow(/requests\.jsonl and summary\.json missing/);
    const err = await loadRun(empty).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmloadError);
    expect((err as LlmloadError).code).toBe('LLMLOAD_CONFIG_INVALID');

    const broken = tempDir();
    writeSyntheticRunFolder(broken, { n: 2 });
    writeFileSync(join(broken, 'summary.json'), '{"schemaVersion": 1, "tool": {}}');
    await expect(loadRun(broken)).rejects.toThrow(/summary\.json is not an llmload result: .*tool\.name/);
    writeFileSync(join(broken, 'summary.json'), '{not json');
    await expect(loadRun(broken)).rejects.toThrow(/summary\.json is not valid JSON/);
  });
});

describe('parseSavedResult', () => {
  it('reads the rate "inf" as written to summary.json, and an in-memory Infinity alike', () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 2 });
    const json = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { config: { ratePerSec: unknown } };
    json.config.ratePerSec = 'inf';
    expect(parseSavedResult(json).config.ratePerSec).toBe(Infinity);
    json.config.ratePerSec = Infinity;
    expect(parseSavedResult(json).config.ratePerSec).toBe(Infinity);
    json.config.ratePerSec = -1;
    expect(() => parseSavedResult(json)).toThrow(/config\.ratePerSec/);
  });

  it('keeps configuration fields it does not know (a newer llmload may add some)', () => {
    const dir = tempDir();
    writeSyntheticRunFolder(dir, { n: 2 });
    const json = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { config: Record<string, unknown> };
    json.config.arrivalShape = 'gamma';
    expect(parseSavedResult(json).config).toHaveProperty('arrivalShape', 'gamma');
  });
});
