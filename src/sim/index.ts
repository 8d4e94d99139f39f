/**
 * The embedded simulated inference server: the default target of `llmload run` when no endpoint is
 * given, the loopback server the tests and benchmarks run against, and a capacity model that runs
 * without a GPU.
 */
export { startSimulator, type SimulatorHandle } from './sim-server.js';
export {
  parseSimOptions,
  resolveSimConfig,
  simOptionsSchema,
  type SimConfig,
  type SimOptions,
  type SimOptionsInput,
} from './sim-options.js';
export { startSimulatorWorker } from './sim-worker.js';
export { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type EngineProfile, type ProfileName } from './engine/profiles.js';
export { describeProfiles } from './profile-summary.js';
export { FAULT_HEADER, FAULT_KINDS, type FaultKind } from './faults.js';
export { simulateEngine, type SimulatedArrival, type SimulatedRequest, type SimulationResult } from './engine/simulate.js';
export type { BatchEngineConfig } from './engine/batch-scheduler.js';
