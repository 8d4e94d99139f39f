/**
 * A readable account of the engine profiles (`llmload sim --list-profiles`): what each simulates,
 * the figures derived from it, and where every figure comes from. PURE.
 */
import {
  deriveCoefficients,
  deriveKvCacheTokens,
  kvBytesPerToken,
  parameterCount,
  PROFILES,
  DEFAULT_PROFILE,
  type EngineProfile,
} from './engine/profiles.js';
import { decodeStepMs, prefillStepMs } from './engine/step-time.js';

const fixed = (v: number, digits = 1): string => v.toFixed(digits);

function describe(p: EngineProfile): string[] {
  const head = `${p.name}${p.name === DEFAULT_PROFILE ? ' (default)' : ''}: ${p.description}`;
  if (p.kind === 'fixed') return [head, `  TTFT ${p.ttftMs} ms, inter-token latency ${p.itlMs} ms, whatever the load (override with --ttft-ms, --itl-ms)`];
  const c = deriveCoefficients(p);
  const lines = [
    head,
    `  parameters ${fixed(parameterCount(p.model) / 1e9, 2)} B, weights ${fixed(c.weightBytes / 1e9)} GB, KV ${kvBytesPerToken(p.model) / 1024} KiB/token, ` +
      `KV cache ${deriveKvCacheTokens(p).toLocaleString('en-US')} tokens`,
    `  inter-token latency at batch 1 / 64 / 256 (1,000-token contexts): ${fixed(decodeStepMs(c, 1, 1000))} / ` +
      `${fixed(decodeStepMs(c, 64, 1000))} / ${fixed(decodeStepMs(c, 256, 1000))} ms; prefill of 1,000 tokens alone: ${fixed(prefillStepMs(c, 1000))} ms`,
    `  max_num_seqs ${p.serving.maxNumSeqs}, max_num_batched_tokens ${p.serving.maxNumBatchedTokens}, step overhead ${p.serving.stepOverheadMs} ms, ` +
      `memory efficiency ${p.serving.memEfficiency}, compute efficiency ${p.serving.computeEfficiency}`,
    '  sources:',
  ];
  for (const s of p.sources) lines.push(`    - ${s.figure}: ${s.value} [${s.source}]`);
  return lines;
}

/** Every profile, described, one block each. */
export function describeProfiles(): string {
  return `${Object.values(PROFILES)
    .map((p) => describe(p).join('\n'))
    .join('\n\n')}\n`;
}
