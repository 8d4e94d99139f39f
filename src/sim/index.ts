/**
 * The embedded simulated inference server: the default target of `llmload run` when no endpoint is
 * given, and the loopback server the tests and benchmarks run against.
 */
export { startSimulator, type SimulatorHandle } from './sim-server.js';
export { parseSimOptions, simOptionsSchema, type SimOptions, type SimOptionsInput } from './sim-options.js';
export { startSimulatorWorker } from './sim-worker.js';
