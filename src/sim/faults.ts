/**
 * Fault injection: the ways real inference servers and the proxies in front of them fail, so that a
 * client's error handling can be tested against each. PURE selection; the HTTP layer acts them out.
 *
 * Which requests fail: with `faultRate` r, generation request n (0-based, in arrival order) fails
 * when floor((n + 1) * r) > floor(n * r). That is exactly the share asked for, spread evenly
 * (r = 0.1: the 10th, 20th, ... request), and below r = 1 it never picks the first request, which
 * a client typically sends as its check that the server works. Which kind each fault is comes from a generator seeded by
 * the simulator's seed, so a run's faults repeat exactly. A request header forces the kind
 * (`x-llmload-fault: stall`) or forbids one (`x-llmload-fault: none`), for tests.
 */
import { createRng, deriveSeed } from '../core/arrival/rng.js';

export const FAULT_KINDS = ['429', '503', '500', 'reset', 'cut', 'malformed', 'stall', 'slow-first-byte'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The request header that forces a fault kind (or `none`) on one request. */
export const FAULT_HEADER = 'x-llmload-fault';

/** What each fault looks like to a client; the docs and the CLI help are written from this. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  '429': 'HTTP 429 with Retry-After and a JSON error body, before any token (rate limited)',
  '503': 'HTTP 503 with Retry-After and a JSON error body, before any token (overloaded)',
  '500': 'HTTP 500 with a JSON error body, before any token',
  reset: 'the connection is reset before the response headers',
  cut: 'the connection is dropped in the middle of the stream, after faultAfterTokens tokens',
  malformed: 'a chunk that is not valid JSON in the middle of the stream; the stream then goes on',
  stall: 'after faultAfterTokens tokens nothing more is sent, and the connection stays open',
  'slow-first-byte': 'headers and tokens start faultSlowFirstByteMs late; the answer is otherwise whole',
};

export interface FaultPicker {
  /**
   * The fault for the next generation request, given its `x-llmload-fault` header: a kind, null for
   * none, or an error message for a header naming no known kind.
   */
  pick(header: string | undefined): FaultKind | null | { error: string };
}

/** Create the picker for one server. */
export function createFaultPicker(o: { rate: number; kinds: readonly FaultKind[]; seed: number }): FaultPicker {
  const rng = createRng(deriveSeed(o.seed, 'faults'));
  let n = 0;
  // A tiny epsilon keeps products like 10 * 0.1 from flooring one short.
  const faultsUpTo = (count: number): number => Math.floor(count * o.rate + 1e-9);
  return {
    pick(header) {
      const index = n++;
      if (header !== undefined) {
        const value = header.trim().toLowerCase();
        if (value === 'none') return null;
        if ((FAULT_KINDS as readonly string[]).includes(value)) return value as FaultKind;
        return { error: `${FAULT_HEADER}: unknown fault "${header}"; expected none or one of ${FAULT_KINDS.join(', ')}` };
      }
      if (o.rate <= 0 || o.kinds.length === 0 || faultsUpTo(index + 1) <= faultsUpTo(index)) return null;
      return o.kinds[rng.int(o.kinds.length)]!;
    },
  };
}
