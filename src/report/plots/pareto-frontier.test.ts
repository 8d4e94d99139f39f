import { describe, expect, it } from 'vitest';
import { paretoFrontier } from './pareto-frontier.js';

interface P {
  id: string;
  lat: number;
  tps: number;
}
const front = (ps: P[]): string[] => paretoFrontier(ps, (p) => p.lat, (p) => p.tps).map((p) => p.id);

describe('paretoFrontier (minimise latency, maximise throughput)', () => {
  it('keeps the staircase of undominated points, in latency order', () => {
    // Drawn by hand: a (1,10) b (2,30) c (3,20) d (4,40) e (5,35) f (2.5,5).
    // c is beaten by b (faster and more), e by d, f by b. The frontier climbs a -> b -> d.
    const ps: P[] = [
      { id: 'c', lat: 3, tps: 20 },
      { id: 'a', lat: 1, tps: 10 },
      { id: 'e', lat: 5, tps: 35 },
      { id: 'b', lat: 2, tps: 30 },
      { id: 'f', lat: 2.5, tps: 5 },
      { id: 'd', lat: 4, tps: 40 },
    ];
    expect(front(ps)).toEqual(['a', 'b', 'd']);
  });

  it('is a single point when one request is both fastest and highest-throughput', () => {
    expect(front([{ id: 'x', lat: 2, tps: 5 }, { id: 'best', lat: 1, tps: 9 }, { id: 'y', lat: 3, tps: 1 }])).toEqual(['best']);
  });

  it('on equal latency keeps only the higher throughput; of coincident points only the first', () => {
    const ps: P[] = [
      { id: 'low', lat: 1, tps: 5 },
      { id: 'high', lat: 1, tps: 8 },
      { id: 'dup1', lat: 2, tps: 9 },
      { id: 'dup2', lat: 2, tps: 9 },
    ];
    expect(front(ps)).toEqual(['high', 'dup1']);
  });

  it('keeps every point of a strictly increasing trade-off curve', () => {
    const ps = [1, 2, 3, 4].map((v) => ({ id: String(v), lat: v, tps: v * v }));
    expect(front(ps)).toEqual(['1', '2', '3', '4']);
  });

  it('drops only dominated points on a decreasing curve: the first is the frontier', () => {
    const ps = [1, 2, 3].map((v) => ({ id: String(v), lat: v, tps: 10 - v }));
    expect(front(ps)).toEqual(['1']);
  });

  it('ignores non-finite points and handles empty input', () => {
    expect(front([])).toEqual([]);
    expect(front([{ id: 'nan', lat: NaN, tps: 1 }, { id: 'inf', lat: 1, tps: Infinity }, { id: 'ok', lat: 3, tps: 1 }])).toEqual(['ok']);
  });
});
