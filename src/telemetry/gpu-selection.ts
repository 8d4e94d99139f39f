import { ConfigError, type ConfigProblem } from '../errors.js';

/** Which GPUs to sample: every device NVML sees, or these NVML indices. */
export type GpuSelection = 'all' | number[];

const FLAG = '--gpus';

/**
 * Parse the `--gpus` flag: "all" or a comma-separated list of NVML indices ("0,2"). Every problem is
 * reported at once, as a ConfigError naming `--gpus`.
 */
export function parseGpuList(raw: string): GpuSelection {
  const text = raw.trim();
  if (text.toLowerCase() === 'all') return 'all';
  if (text === '') throw new ConfigError([{ field: FLAG, message: 'is empty: give "all" or GPU indices such as "0,2"' }]);
  const problems: ConfigProblem[] = [];
  const indices: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (!/^\d+$/.test(part)) {
      problems.push({ field: FLAG, message: `"${part}" is not a GPU index (a whole number from 0, as nvidia-smi numbers them)` });
    } else if (indices.includes(Number(part))) {
      problems.push({ field: FLAG, message: `GPU ${part} is listed twice` });
    } else indices.push(Number(part));
  }
  if (problems.length) throw new ConfigError(problems);
  return indices;
}

/**
 * The NVML indices to sample, ascending, given how many devices NVML sees. An index that does not
 * exist is a ConfigError naming `--gpus` (all such indices in one error). With 'all' and no device
 * the result is empty: the caller decides what no GPU means.
 */
export function resolveGpuSelection(spec: GpuSelection, deviceCount: number): number[] {
  if (spec === 'all') return Array.from({ length: deviceCount }, (_, i) => i);
  const problems = checkGpuIndices(spec);
  const visible = deviceCount === 0 ? 'NVML sees no GPU' : `NVML sees ${deviceCount} GPU${deviceCount === 1 ? '' : 's'} (${deviceCount === 1 ? '0' : `0-${deviceCount - 1}`})`;
  for (const index of spec) {
    if (Number.isInteger(index) && index >= deviceCount) problems.push({ field: FLAG, message: `GPU ${index} does not exist: ${visible}` });
  }
  if (problems.length) throw new ConfigError(problems);
  return [...spec].sort((a, b) => a - b);
}

/** Problems with the shape of a selection given through the library rather than the flag. */
export function checkGpuIndices(spec: GpuSelection): ConfigProblem[] {
  if (spec === 'all') return [];
  if (!Array.isArray(spec)) return [{ field: FLAG, message: 'must be "all" or an array of GPU indices' }];
  const problems: ConfigProblem[] = [];
  if (spec.length === 0) problems.push({ field: FLAG, message: 'lists no GPU' });
  spec.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0) problems.push({ field: FLAG, message: `${String(index)} is not a GPU index (a whole number from 0)` });
    else if (spec.indexOf(index) !== i) problems.push({ field: FLAG, message: `GPU ${index} is listed twice` });
  });
  return problems;
}
