/**
 * llmload's worker threads under Node flags a worker refuses (`--expose-gc`, `--max-semi-space-size`:
 * process-wide V8 options; the benchmark itself runs with them). The threads must still start.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('worker threads with V8 flags on the command line', () => {
  it('start the simulator and GPU sampling on their threads anyway', () => {
    const script = `
      const { startSimulatorWorker, startGpuTelemetry } = await import(${JSON.stringify(INDEX)});
      const sim = await startSimulatorWorker({ profile: 'fixed' });
      const gpu = await startGpuTelemetry({ gpus: 'all', intervalMs: 100, originHrtimeNs: process.hrtime.bigint(), now: () => 0,
        libraryPath: '/nonexistent/libnvidia-ml.so.1', onSample() {}, onProblem() {} });
      await gpu.stop();
      await sim.close();
      console.log(JSON.stringify({ sim: sim.inWorker, gpu: gpu.inWorker, status: gpu.status.kind }));
    `;
    const out = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=4', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout.trim())).toEqual({ sim: true, gpu: true, status: 'off' });
  });
});
