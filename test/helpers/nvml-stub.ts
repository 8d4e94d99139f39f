import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

/** The C source of the stand-in libnvidia-ml (its header comment lists the settings). */
export const NVML_STUB_SOURCE = fileURLToPath(new URL('../fixtures/nvml-stub/nvml-stub.c', import.meta.url));

/** Whether a C compiler named `cc` runs here; the stub tests are skipped without one. */
export function haveCc(): boolean {
  const probe = spawnSync('cc', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

export type StubVariant = 'v2' | 'no-v2';

export interface NvmlStubBuild {
  /** A fresh copy of the stub with its own settings and call counters. */
  library(settings?: Record<string, string | number>, variant?: StubVariant): StubLibrary;
  /** Remove every file this build made. */
  remove(): void;
}

export interface StubLibrary {
  path: string;
  /** How often the stub's function `name` has been called, in this process, from any thread. */
  callCount(name: string): number;
}

/**
 * Compile the stub twice (with and without nvmlDeviceGetMemoryInfo_v2) into a temp folder. Each
 * library() is a copy under a new name: the dynamic loader keys libraries by file, so every copy
 * has its own state and counters, even within one process and across threads.
 */
export function buildNvmlStub(): NvmlStubBuild {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-nvml-stub-'));
  const built: Record<StubVariant, string> = { v2: join(dir, 'stub-v2.so'), 'no-v2': join(dir, 'stub-no-v2.so') };
  for (const [variant, out] of Object.entries(built)) {
    const args = ['-shared', '-fPIC', '-O1', '-Wall', ...(variant === 'no-v2' ? ['-DSTUB_NO_V2'] : []), '-o', out, NVML_STUB_SOURCE, '-ldl'];
    const cc = spawnSync('cc', args, { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`cc ${args.join(' ')} failed:\n${cc.stderr}`);
  }
  let copies = 0;
  return {
    library(settings = {}, variant = 'v2') {
      const path = join(dir, `libnvidia-ml-${++copies}.so.1`);
      copyFileSync(built[variant], path);
      writeFileSync(`${path}.conf`, Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''));
      const count = koffi.load(path).func('int nvmlStubCallCount(const char *name)') as (name: string) => number;
      return { path, callCount: (name) => count(name) };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
