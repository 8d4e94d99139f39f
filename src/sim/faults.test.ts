import { describe, expect, it } from 'vitest';
import { createFaultPicker, FAULT_KINDS } from './faults.js';

describe('fault picker', () => {
  it('fails exactly the asked share, evenly spread, never the first request', () => {
    const picker = createFaultPicker({ rate: 0.1, kinds: ['500'], seed: 1 });
    const picks = Array.from({ length: 100 }, () => picker.pick(undefined));
    expect(picks.filter((p) => p !== null)).toHaveLength(10);
    expect(picks.flatMap((p, i) => (p === null ? [] : [i]))).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
    const half = createFaultPicker({ rate: 0.5, kinds: ['500'], seed: 1 });
    expect(Array.from({ length: 6 }, () => half.pick(undefined) !== null)).toEqual([false, true, false, true, false, true]);
  });

  it('draws the kinds from the seed: the same seed, the same faults', () => {
    const kinds = (seed: number) => {
      const picker = createFaultPicker({ rate: 1, kinds: FAULT_KINDS, seed });
      return Array.from({ length: 40 }, () => picker.pick(undefined));
    };
    expect(kinds(3)).toEqual(kinds(3));
    expect(kinds(3)).not.toEqual(kinds(4));
    expect(new Set(kinds(3)).size).toBeGreaterThan(4);
  });

  it('obeys the request header, and rejects an unknown kind', () => {
    const picker = createFaultPicker({ rate: 1, kinds: ['500'], seed: 1 });
    expect(picker.pick('none')).toBeNull();
    expect(picker.pick(' Stall ')).toBe('stall');
    expect(picker.pick('boom')).toMatchObject({ error: expect.stringContaining('unknown fault "boom"') });
    expect(createFaultPicker({ rate: 0, kinds: ['500'], seed: 1 }).pick('429')).toBe('429');
  });
});
