/**
 * NVML's return codes (nvmlReturn_t in nvml.h) and the error a failed call becomes. NVML's own
 * nvmlErrorString gives a phrase ("GPU is lost"); the symbolic name is what people search for, so
 * messages carry both: "nvmlDeviceGetMemoryInfo_v2 failed: NVML_ERROR_GPU_IS_LOST (GPU is lost)".
 */

export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;
export const NVML_ERROR_DRIVER_NOT_LOADED = 9;
export const NVML_ERROR_FUNCTION_NOT_FOUND = 13;
export const NVML_ERROR_GPU_IS_LOST = 15;
export const NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25;

/** nvml.h's names, by value. Codes added by later drivers fall back to `NVML_ERROR_<n>`. */
const NAMES: Readonly<Record<number, string>> = {
  0: 'NVML_SUCCESS',
  1: 'NVML_ERROR_UNINITIALIZED',
  2: 'NVML_ERROR_INVALID_ARGUMENT',
  3: 'NVML_ERROR_NOT_SUPPORTED',
  4: 'NVML_ERROR_NO_PERMISSION',
  5: 'NVML_ERROR_ALREADY_INITIALIZED',
  6: 'NVML_ERROR_NOT_FOUND',
  7: 'NVML_ERROR_INSUFFICIENT_SIZE',
  8: 'NVML_ERROR_INSUFFICIENT_POWER',
  9: 'NVML_ERROR_DRIVER_NOT_LOADED',
  10: 'NVML_ERROR_TIMEOUT',
  11: 'NVML_ERROR_IRQ_ISSUE',
  12: 'NVML_ERROR_LIBRARY_NOT_FOUND',
  13: 'NVML_ERROR_FUNCTION_NOT_FOUND',
  14: 'NVML_ERROR_CORRUPTED_INFOROM',
  15: 'NVML_ERROR_GPU_IS_LOST',
  16: 'NVML_ERROR_RESET_REQUIRED',
  17: 'NVML_ERROR_OPERATING_SYSTEM',
  18: 'NVML_ERROR_LIB_RM_VERSION_MISMATCH',
  19: 'NVML_ERROR_IN_USE',
  20: 'NVML_ERROR_MEMORY',
  21: 'NVML_ERROR_NO_DATA',
  22: 'NVML_ERROR_VGPU_ECC_NOT_ENABLED',
  23: 'NVML_ERROR_INSUFFICIENT_RESOURCES',
  24: 'NVML_ERROR_FREQ_NOT_SUPPORTED',
  25: 'NVML_ERROR_ARGUMENT_VERSION_MISMATCH',
  26: 'NVML_ERROR_DEPRECATED',
  27: 'NVML_ERROR_NOT_READY',
  28: 'NVML_ERROR_GPU_NOT_FOUND',
  29: 'NVML_ERROR_INVALID_STATE',
  999: 'NVML_ERROR_UNKNOWN',
};

/** The symbolic name of an nvmlReturn_t value, e.g. 15 -> "NVML_ERROR_GPU_IS_LOST". */
export function nvmlReturnName(code: number): string {
  return NAMES[code] ?? `NVML_ERROR_${code}`;
}

/** "NAME (NVML's phrase)", or just the name when NVML gave no phrase. */
export function describeNvmlReturn(code: number, errorString: string | null): string {
  const name = nvmlReturnName(code);
  return errorString ? `${name} (${errorString})` : name;
}

/** An NVML call returned something other than NVML_SUCCESS. */
export class NvmlCallError extends Error {
  /** The C function that failed, e.g. "nvmlDeviceGetMemoryInfo_v2". */
  readonly call: string;
  /** Its nvmlReturn_t value. */
  readonly returnCode: number;
  constructor(call: string, returnCode: number, errorString: string | null) {
    super(`${call} failed: ${describeNvmlReturn(returnCode, errorString)}`);
    this.name = 'NvmlCallError';
    this.call = call;
    this.returnCode = returnCode;
  }
}
