import { z } from 'zod';

/** What the run said about one telemetry source: on or off, and why it was off. */
export interface TelemetrySourceStatus {
  /** 'on' or 'off' as the run writes it; another word from a newer llmload is kept as is. */
  status: string;
  /**
   * Why the source was off (`reason`), or what went wrong while it was on (`problem`), e.g.
   * "libnvidia-ml.so.1 not found"; null when neither is given.
   */
  reason: string | null;
  /** The /metrics URL scraped (server only); null when none given. */
  url: string | null;
}

/** summary.json's `telemetry` block, as far as the report reads it. */
export interface TelemetryStatus {
  gpu: TelemetrySourceStatus | null;
  server: TelemetrySourceStatus | null;
}

const sourceSchema = z.looseObject({
  status: z.string(),
  reason: z.string().nullish(),
  problem: z.string().nullish(),
  url: z.string().nullish(),
});

/**
 * Read summary.json's optional `telemetry` block ({ gpu: { status: 'off', reason } | { status: 'on',
 * problem, ... }, server: likewise with `url`, ... }: the runner's TelemetrySummary). Lenient on purpose: it only words the telemetry panel's "no data" notes,
 * so a missing block (an older run) or a part in a shape this version does not know gives null for
 * that part, never an error that would make the whole run unreadable.
 */
export function parseTelemetryStatus(input: unknown): TelemetryStatus {
  const block = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const part = (v: unknown): TelemetrySourceStatus | null => {
    const parsed = sourceSchema.safeParse(v);
    if (!parsed.success) return null;
    return { status: parsed.data.status, reason: parsed.data.reason ?? parsed.data.problem ?? null, url: parsed.data.url ?? null };
  };
  return { gpu: part(block.gpu), server: part(block.server) };
}
