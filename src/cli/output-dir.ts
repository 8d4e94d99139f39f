import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `results/<UTC time>[-label]`, e.g. results/2026-11-27T20-43-35Z-baseline (colons are not portable in paths). */
export function defaultOutDir(startedAt: Date, label: string | undefined, base = 'results'): string {
  const stamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  let dir = join(base, label ? `${stamp}-${label}` : stamp);
  // Two runs in the same second (scripts do this) get distinct folders rather than one overwriting the other.
  for (let n = 2; existsSync(dir); n++) dir = join(base, `${label ? `${stamp}-${label}` : stamp}-${n}`);
  return dir;
}

/** A problem with --out, or null when the folder can hold a new run. Creates it. */
export function prepareOutDir(dir: string): string | null {
  try {
    if (existsSync(dir) && readdirSync(dir).some((f) => f === 'requests.jsonl' || f === 'summary.json')) {
      return `"${dir}" already holds a run; choose another folder (results are never overwritten)`;
    }
    mkdirSync(dir, { recursive: true });
    return null;
  } catch (err) {
    return `cannot create "${dir}": ${(err as Error).message}`;
  }
}
