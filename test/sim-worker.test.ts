import { describe, expect, it } from 'vitest';
// The compiled package: only there does the simulator get a thread of its own (npm test builds first).
import { startSimulatorWorker } from '../dist/index.js';

describe('startSimulatorWorker (compiled)', () => {
  it('serves from a worker thread and closes it', async () => {
    const sim = await startSimulatorWorker({ model: 'worker-model', ttftMs: 1, itlMs: 1 });
    try {
      expect(sim.inWorker).toBe(true);
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data[0]?.id).toBe('worker-model');
      const res = await fetch(`${sim.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'worker-model', prompt: 'a b c', max_tokens: 3, stream: false }),
      });
      const body = (await res.json()) as { usage: { completion_tokens: number; prompt_tokens: number } };
      expect(body.usage).toMatchObject({ completion_tokens: 3, prompt_tokens: 3 });
    } finally {
      await sim.close();
    }
    await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
  });

  it('rejects invalid options in the caller, before any thread starts', async () => {
    await expect(startSimulatorWorker({ itlMs: -1 })).rejects.toThrow(/itlMs/);
  });
});
