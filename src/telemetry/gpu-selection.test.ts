import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { checkGpuIndices, parseGpuList, resolveGpuSelection } from './gpu-selection.js';

function problemsOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseGpuList', () => {
  it('reads "all" and index lists', () => {
    expect(parseGpuList('all')).toBe('all');
    expect(parseGpuList(' ALL ')).toBe('all');
    expect(parseGpuList('0')).toEqual([0]);
    expect(parseGpuList('2, 0,7')).toEqual([2, 0, 7]);
  });

  it('reports every bad entry at once, naming --gpus', () => {
    expect(problemsOf(() => parseGpuList('0,x,-1,0,1.5'))).toEqual([
      { field: '--gpus', message: '"x" is not a GPU index (a whole number from 0, as nvidia-smi numbers them)' },
      { field: '--gpus', message: '"-1" is not a GPU index (a whole number from 0, as nvidia-smi numbers them)' },
      { field: '--gpus', message: 'GPU 0 is listed twice' },
      { field: '--gpus', message: '"1.5" is not a GPU index (a whole number from 0, as nvidia-smi numbers them)' },
    ]);
    expect(problemsOf(() => parseGpuList('  '))).toEqual([{ field: '--gpus', message: 'is empty: give "all" or GPU indices such as "0,2"' }]);
    expect(problemsOf(() => parseGpuList('0,,1'))).toHaveLength(1);
  });
});

describe('resolveGpuSelection', () => {
  it('expands "all" and sorts explicit indices', () => {
    expect(resolveGpuSelection('all', 3)).toEqual([0, 1, 2]);
    expect(resolveGpuSelection('all', 0)).toEqual([]);
    expect(resolveGpuSelection([2, 0], 3)).toEqual([0, 2]);
  });

  it('names every index that does not exist and what NVML sees', () => {
    expect(problemsOf(() => resolveGpuSelection([0, 4, 8], 4))).toEqual([
      { field: '--gpus', message: 'GPU 4 does not exist: NVML sees 4 GPUs (0-3)' },
      { field: '--gpus', message: 'GPU 8 does not exist: NVML sees 4 GPUs (0-3)' },
    ]);
    expect(problemsOf(() => resolveGpuSelection([1], 1))).toEqual([{ field: '--gpus', message: 'GPU 1 does not exist: NVML sees 1 GPU (0)' }]);
  });

  it('rejects selections of the wrong shape given through the library', () => {
    expect(checkGpuIndices([])).toEqual([{ field: '--gpus', message: 'lists no GPU' }]);
    expect(checkGpuIndices([0, -1, 0.5, 0])).toEqual([
      { field: '--gpus', message: '-1 is not a GPU index (a whole number from 0)' },
      { field: '--gpus', message: '0.5 is not a GPU index (a whole number from 0)' },
      { field: '--gpus', message: 'GPU 0 is listed twice' },
    ]);
    expect(checkGpuIndices('all')).toEqual([]);
  });
});
