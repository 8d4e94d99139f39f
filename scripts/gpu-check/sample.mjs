#!/usr/bin/env node
// The node half of the GPU check (see README.md): runs llmload's GPU telemetry from dist/ on a worker
// thread, as a run would, and records beside it what nvidia-smi says and what an NVML call costs.
//
// usage: node scripts/gpu-check/sample.mjs --out DIR [--interval-ms 100] [--max-ms 60000]
//          [--until-file PATH] [--smi-ms 250] [--no-smi] [--gpus all|0,1]
// env:   LLMLOAD_NVML_LIBRARY  another libnvidia-ml (the test stub); only this script reads it
//
// Writes DIR/gpu.jsonl (GpuSample lines), DIR/smi.jsonl (nvidia-smi readings) and DIR/meta.json
// (status, the run clock's origin on process.hrtime, call costs, main-thread event-loop delay).
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startGpuTelemetry } from '../../dist/telemetry/gpu-sampler-worker.js';
import { parseGpuList } from '../../dist/telemetry/gpu-selection.js';
import { openNvml } from '../../dist/telemetry/nvml-binding.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'interval-ms': { type: 'string', default: '100' },
    'max-ms': { type: 'string', default: '60000' },
    'until-file': { type: 'string' },
    'smi-ms': { type: 'string', default: '250' },
    'no-smi': { type: 'boolean', default: false },
    gpus: { type: 'string', default: 'all' },
  },
});
if (!args.out) throw new Error('--out DIR is required');
const outDir = args.out;
const intervalMs = Number(args['interval-ms']);
const maxMs = Number(args['max-ms']);
const smiMs = Number(args['smi-ms']);
const gpus = parseGpuList(args.gpus);
const libraryPath = process.env.LLMLOAD_NVML_LIBRARY || undefined;
const libraryOption = libraryPath ? { libraryPath } : {};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** What one sample() costs on this thread: the first call, then the steady state (µs). */
function measureCallCost() {
  const opened = openNvml(libraryOption);
  if (opened.kind !== 'ok') return { error: opened.reason };
  const { nvml } = opened;
  try {
    const t0 = process.hrtime.bigint();
    nvml.sample(0);
    const firstUs = Number(process.hrtime.bigint() - t0) / 1e3;
    const us = [];
    for (let i = 0; i < 500; i++) {
      const t = process.hrtime.bigint();
      nvml.sample(0);
      us.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    us.sort((a, b) => a - b);
    return { firstUs, medianUs: quantile(us, 0.5), p99Us: quantile(us, 0.99), calls: us.length };
  } catch (err) {
    return { error: String(err?.message ?? err) };
  } finally {
    nvml.shutdown();
  }
}

const callCost = measureCallCost();
console.log('sample.mjs: NVML sample() cost on the main thread:', JSON.stringify(callCost));

// The run clock: 0 now. The worker stamps readings against the same hrtime origin.
const originHrtimeNs = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - originHrtimeNs) / 1e6;

const gpuOut = createWriteStream(join(outDir, 'gpu.jsonl'));
const smiOut = createWriteStream(join(outDir, 'smi.jsonl'));
let sampleCount = 0;
const problems = [];
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

const telemetry = await startGpuTelemetry({
  gpus,
  intervalMs,
  originHrtimeNs,
  now,
  ...libraryOption,
  onSample(sample) {
    sampleCount++;
    gpuOut.write(`${JSON.stringify(sample)}\n`);
  },
  onProblem(message) {
    problems.push(message);
    console.error(`sample.mjs: ${message}`);
  },
});
console.log('sample.mjs: status', JSON.stringify(telemetry.status), 'inWorker', telemetry.inWorker);

// nvidia-smi in a child process, on its own absolute deadlines: it never blocks this thread.
let smiError = null;
let smiReadings = 0;
let running = telemetry.status.kind === 'on';
const smiLoop = (async () => {
  if (args['no-smi']) return;
  for (let k = 0; running; k++) {
    const t0Ms = now();
    const result = await new Promise((resolve) => {
      execFile('nvidia-smi', ['--query-gpu=index,memory.used', '--format=csv,noheader,nounits'], (err, stdout) => resolve({ err, stdout }));
    });
    const t1Ms = now();
    if (result.err) {
      smiError = String(result.err.message);
      console.error(`sample.mjs: nvidia-smi: ${smiError}`);
      return;
    }
    for (const line of result.stdout.trim().split('\n')) {
      const [gpu, used] = line.split(',').map((s) => Number(s.trim()));
      smiOut.write(`${JSON.stringify({ t0Ms, t1Ms, gpu, memoryUsedMiB: used })}\n`);
      smiReadings++;
    }
    const nextMs = (k + 1) * smiMs;
    if (nextMs > now()) await sleep(nextMs - now());
  }
})();

while (running && now() < maxMs && !(args['until-file'] && existsSync(args['until-file']))) await sleep(100);
running = false;
await smiLoop;
await telemetry.stop();
loopDelay.disable();
await Promise.all([gpuOut, smiOut].map((s) => new Promise((resolve) => s.end(resolve))));

const meta = {
  originHrtimeNs: originHrtimeNs.toString(),
  intervalMs,
  status: telemetry.status,
  inWorker: telemetry.inWorker,
  libraryPath: libraryPath ?? 'libnvidia-ml.so.1',
  sampleCount,
  problems,
  durationMs: now(),
  nvmlCallCost: callCost,
  smi: { readings: smiReadings, error: smiError, everyMs: smiMs },
  mainEventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  node: process.version,
};
writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
console.log(`sample.mjs: ${sampleCount} samples, ${smiReadings} nvidia-smi readings in ${meta.durationMs.toFixed(0)} ms`);
process.exitCode = telemetry.status.kind === 'on' && problems.length === 0 ? 0 : 2;
