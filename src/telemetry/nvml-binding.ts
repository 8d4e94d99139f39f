import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import {
  describeNvmlReturn,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
  NVML_ERROR_FUNCTION_NOT_FOUND,
  NVML_ERROR_NOT_SUPPORTED,
  NVML_SUCCESS,
  NvmlCallError,
} from './nvml-return-codes.js';

type Koffi = typeof import('koffi').default;
type NativeFunction = (...args: unknown[]) => unknown;

/** The NVML library a machine with the NVIDIA driver has on its loader path. */
export const DEFAULT_NVML_LIBRARY = 'libnvidia-ml.so.1';

/** One reading of one device's memory and utilisation. */
export interface NvmlReading {
  /** MiB = bytes / 2^20, exact (not rounded; nvidia-smi prints whole MiB). */
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  /** Driver-reserved MiB; null when the v1 call gave the figures (it has no such field). */
  memoryReservedMiB: number | null;
  /** nvmlUtilization_t.gpu; null when the device does not support it (MIG instances, some vGPUs). */
  utilizationPct: number | null;
  memoryApi: 'v2' | 'v1';
}

/** An initialised NVML. Each call is synchronous and takes ~0.1-0.2 ms (a few ms for the first). */
export interface NvmlBinding {
  deviceCount(): number;
  device(index: number): { name: string };
  /** Throws NvmlCallError naming the call and NVML's error when a call fails. */
  sample(index: number): NvmlReading;
  /** Which memory call sample() uses now: 'v2' until the driver turns out not to have it. */
  readonly memoryApi: 'v2' | 'v1';
  /** nvmlShutdown, once; later calls do nothing. Never throws. */
  shutdown(): void;
}

export type NvmlOpenResult = { kind: 'ok'; nvml: NvmlBinding } | { kind: 'unavailable'; reason: string };

// Struct layouts from nvml.h. nvmlMemory_v2_t is { unsigned int version; (4 bytes padding)
// unsigned long long total, reserved, free, used; }: 40 bytes, and its version field must be
// NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | (2 << 24) = 0x02000028.
const MEMORY_V2_BYTES = 40;
const MEMORY_V2_VERSION = (MEMORY_V2_BYTES | (2 << 24)) >>> 0;
const MEMORY_V1_BYTES = 24; // { total, free, used }, all unsigned long long
const UTILIZATION_BYTES = 8; // { unsigned int gpu, memory }
const NAME_BYTES = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE
const BYTES_PER_MIB = 2 ** 20;

/** Codes with which a driver says "no _v2 here": then v1 is the only memory call there is. */
const V2_ABSENT = new Set([NVML_ERROR_FUNCTION_NOT_FOUND, NVML_ERROR_NOT_SUPPORTED, NVML_ERROR_ARGUMENT_VERSION_MISMATCH]);

const REQUIRED = {
  nvmlInit_v2: 'int nvmlInit_v2(void)',
  nvmlShutdown: 'int nvmlShutdown(void)',
  nvmlErrorString: 'const char *nvmlErrorString(int result)',
  nvmlDeviceGetCount_v2: 'int nvmlDeviceGetCount_v2(void *deviceCount)',
  nvmlDeviceGetHandleByIndex_v2: 'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)',
  nvmlDeviceGetName: 'int nvmlDeviceGetName(void *device, void *name, unsigned int length)',
  nvmlDeviceGetMemoryInfo: 'int nvmlDeviceGetMemoryInfo(void *device, void *memory)',
  nvmlDeviceGetUtilizationRates: 'int nvmlDeviceGetUtilizationRates(void *device, void *utilization)',
} as const;
const OPTIONAL_MEMORY_V2 = 'int nvmlDeviceGetMemoryInfo_v2(void *device, void *memory)';

const littleEndian = endianness() === 'LE';
const u32 = (b: Buffer, at: number): number => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at));
const u64 = (b: Buffer, at: number): number => Number(littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
const mib = (b: Buffer, at: number): number => u64(b, at) / BYTES_PER_MIB; // exact: dividing by a power of two

/**
 * Load NVML through koffi and initialise it. An absent driver, a library without the functions
 * llmload needs, or nvmlInit_v2 failing is `{ kind: 'unavailable', reason }` with a sentence a user
 * can act on; nothing here throws for a machine without a GPU.
 *
 * koffi is required here, on first use, rather than imported at the top: a platform where its
 * native part cannot load then loses GPU telemetry, not the whole library.
 */
export function openNvml(options: { libraryPath?: string } = {}): NvmlOpenResult {
  const libraryPath = options.libraryPath ?? DEFAULT_NVML_LIBRARY;
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (err) {
    return { kind: 'unavailable', reason: `the FFI module koffi could not load on this platform: ${messageOf(err)}` };
  }
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(libraryPath);
  } catch (err) {
    const notFound = /no such file|cannot open shared object/i.test(messageOf(err));
    if (notFound && options.libraryPath === undefined) {
      return { kind: 'unavailable', reason: `${DEFAULT_NVML_LIBRARY} not found: no NVIDIA driver on this machine` };
    }
    return { kind: 'unavailable', reason: `could not load ${libraryPath}: ${messageOf(err)}` };
  }
  const fn = {} as Record<keyof typeof REQUIRED, NativeFunction>;
  for (const [name, prototype] of Object.entries(REQUIRED) as [keyof typeof REQUIRED, string][]) {
    try {
      fn[name] = lib.func(prototype) as NativeFunction;
    } catch {
      return { kind: 'unavailable', reason: `${libraryPath} has no ${name}: not NVML, or a driver too old for llmload` };
    }
  }
  let memoryV2: NativeFunction | null;
  try {
    memoryV2 = lib.func(OPTIONAL_MEMORY_V2) as NativeFunction;
  } catch {
    memoryV2 = null; // drivers before r510 have only nvmlDeviceGetMemoryInfo
  }
  const errorString = (code: number): string | null => {
    try {
      return (fn.nvmlErrorString(code) as string | null) || null;
    } catch {
      return null;
    }
  };
  const initCode = fn.nvmlInit_v2() as number;
  if (initCode !== NVML_SUCCESS) {
    return { kind: 'unavailable', reason: `nvmlInit_v2 failed: ${describeNvmlReturn(initCode, errorString(initCode))}` };
  }
  return { kind: 'ok', nvml: createBinding(fn, memoryV2, errorString) };
}

function createBinding(
  fn: Record<keyof typeof REQUIRED, NativeFunction>,
  memoryV2: NativeFunction | null,
  errorString: (code: number) => string | null,
): NvmlBinding {
  let memoryApi: 'v2' | 'v1' = memoryV2 ? 'v2' : 'v1';
  let open = true;
  const handles = new Map<number, unknown>();
  const names = new Map<number, string>();
  // Reused between calls: a sample allocates nothing but its result object.
  const memoryBuffer = Buffer.alloc(MEMORY_V2_BYTES);
  const utilizationBuffer = Buffer.alloc(UTILIZATION_BYTES);

  const check = (call: string, code: number): void => {
    if (code !== NVML_SUCCESS) throw new NvmlCallError(call, code, errorString(code));
  };
  const ensureOpen = (): void => {
    if (!open) throw new Error('NVML was shut down');
  };
  const handle = (index: number): unknown => {
    ensureOpen();
    let h = handles.get(index);
    if (h === undefined) {
      const out: unknown[] = [null];
      check('nvmlDeviceGetHandleByIndex_v2', fn.nvmlDeviceGetHandleByIndex_v2(index, out) as number);
      h = out[0];
      handles.set(index, h);
    }
    return h;
  };
  const readMemory = (device: unknown): Pick<NvmlReading, 'memoryUsedMiB' | 'memoryTotalMiB' | 'memoryReservedMiB' | 'memoryApi'> => {
    if (memoryApi === 'v2' && memoryV2) {
      memoryBuffer.fill(0);
      if (littleEndian) memoryBuffer.writeUInt32LE(MEMORY_V2_VERSION, 0);
      else memoryBuffer.writeUInt32BE(MEMORY_V2_VERSION, 0);
      const code = memoryV2(device, memoryBuffer) as number;
      if (code === NVML_SUCCESS) {
        return { memoryTotalMiB: mib(memoryBuffer, 8), memoryReservedMiB: mib(memoryBuffer, 16), memoryUsedMiB: mib(memoryBuffer, 32), memoryApi: 'v2' };
      }
      if (!V2_ABSENT.has(code)) check('nvmlDeviceGetMemoryInfo_v2', code);
      memoryApi = 'v1'; // for good: a driver that lacks _v2 once lacks it every time
    }
    memoryBuffer.fill(0);
    check('nvmlDeviceGetMemoryInfo', fn.nvmlDeviceGetMemoryInfo(device, memoryBuffer) as number);
    return { memoryTotalMiB: mib(memoryBuffer, 0), memoryReservedMiB: null, memoryUsedMiB: mib(memoryBuffer, 16), memoryApi: 'v1' };
  };

  return {
    get memoryApi() {
      return memoryApi;
    },
    deviceCount() {
      ensureOpen();
      const out = Buffer.alloc(4);
      check('nvmlDeviceGetCount_v2', fn.nvmlDeviceGetCount_v2(out) as number);
      return u32(out, 0);
    },
    device(index) {
      let name = names.get(index);
      if (name === undefined) {
        const device = handle(index);
        const buffer = Buffer.alloc(NAME_BYTES);
        check('nvmlDeviceGetName', fn.nvmlDeviceGetName(device, buffer, NAME_BYTES) as number);
        const end = buffer.indexOf(0);
        name = buffer.toString('utf8', 0, end < 0 ? NAME_BYTES : end);
        names.set(index, name);
      }
      return { name };
    },
    sample(index) {
      const device = handle(index);
      const memory = readMemory(device);
      utilizationBuffer.fill(0);
      const code = fn.nvmlDeviceGetUtilizationRates(device, utilizationBuffer) as number;
      if (code !== NVML_ERROR_NOT_SUPPORTED) check('nvmlDeviceGetUtilizationRates', code);
      return { ...memory, utilizationPct: code === NVML_SUCCESS ? u32(utilizationBuffer, 0) : null };
    },
    shutdown() {
      if (!open) return;
      open = false;
      try {
        fn.nvmlShutdown(); // its return code changes nothing: the run is over either way
      } catch {
        // a library that throws on shutdown must not turn a finished run into a failed one
      }
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
