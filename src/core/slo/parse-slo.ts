import { ConfigError, type ConfigProblem } from '../../errors.js';
import { SLO_METRICS, type SloMetric, type SloSpec } from './slo-types.js';

/** Per-request limit names: `ttft_ms`, `tpot_ms`, `itl_ms`, `latency_ms`. */
const PER_REQUEST_NAMES = SLO_METRICS.map((m) => `${m}_ms`);
/** `ttft_p99_ms`, `latency_p50_ms`, `tpot_p99.9_ms`: metric, percentile, unit. */
const PERCENTILE_NAME = /^([a-z0-9]+)_p(\d+(?:\.\d+)?)_ms$/;
/** A limit: a plain decimal number of milliseconds (no units, no exponent, no sign). */
const LIMIT = /^(\d+(?:\.\d*)?|\.\d+)$/;

const VALID_NAMES = `${PER_REQUEST_NAMES.join(', ')} (per request), or <metric>_p<P>_ms with P in (0,100) such as ttft_p99_ms or tpot_p99.9_ms (percentile over the run)`;

function isMetric(name: string): name is SloMetric {
  return (SLO_METRICS as readonly string[]).includes(name);
}

/** The canonical name of a percentile objective, as parseSlo reads it and SloResult reports it. */
export function objectiveName(metric: SloMetric, p: number): string {
  return `${metric}_p${p}_ms`;
}

/**
 * Read a service-level objective as given on the command line:
 * `ttft_ms=500,tpot_ms=50,itl_ms=200,latency_ms=20000` (every request within each limit) and
 * `ttft_p99_ms=800,latency_p50_ms=4000,tpot_p99.9_ms=80` (a percentile over the run's successful
 * requests within the limit). Both kinds mix freely. Limits are milliseconds, greater than zero.
 *
 * Strict: an unknown name, a bad number, a percentile outside (0, 100), a name given twice or an
 * empty part is an error, and every one of them is reported at once in a ConfigError naming `flag`.
 */
export function parseSlo(raw: string, flag = '--slo'): SloSpec {
  const problems: ConfigProblem[] = [];
  const bad = (message: string): void => {
    problems.push({ field: flag, message });
  };
  const spec: SloSpec = { perRequest: {}, percentiles: [] };
  const seen = new Set<string>();
  if (raw.trim() === '') {
    throw new ConfigError([{ field: flag, message: `is empty; give name=limit_ms pairs separated by commas, with names ${VALID_NAMES}` }]);
  }
  for (const [i, part] of raw.split(',').entries()) {
    const text = part.trim();
    if (text === '') {
      bad(`part ${i + 1} is empty (a stray comma?)`);
      continue;
    }
    const eq = text.indexOf('=');
    if (eq < 0) {
      bad(`"${text}" is not name=limit_ms (for example ttft_ms=500)`);
      continue;
    }
    const name = text.slice(0, eq).trim().toLowerCase();
    const value = text.slice(eq + 1).trim();
    const target = parseName(name);
    if (typeof target === 'string') bad(`"${name}": ${target}`);
    const limitMs = LIMIT.test(value) ? Number(value) : NaN;
    if (!(limitMs > 0) || !Number.isFinite(limitMs)) bad(`"${text}": the limit must be a number of milliseconds greater than 0, not "${value}"`);
    if (typeof target === 'string' || !(limitMs > 0) || !Number.isFinite(limitMs)) continue;
    const key = target.kind === 'perRequest' ? `${target.metric}_ms` : objectiveName(target.metric, target.p);
    if (seen.has(key)) {
      bad(`"${key}" is given twice`);
      continue;
    }
    seen.add(key);
    if (target.kind === 'perRequest') spec.perRequest[target.metric] = limitMs;
    else spec.percentiles.push({ metric: target.metric, p: target.p, limitMs });
  }
  if (problems.length) throw new ConfigError(problems);
  return spec;
}

type Target = { kind: 'perRequest'; metric: SloMetric } | { kind: 'percentile'; metric: SloMetric; p: number };

/** What a name means, or why it means nothing. */
function parseName(name: string): Target | string {
  const perRequest = /^([a-z0-9]+)_ms$/.exec(name);
  if (perRequest) {
    const metric = perRequest[1] as string;
    if (isMetric(metric)) return { kind: 'perRequest', metric };
    return unknownMetric(metric);
  }
  const pct = PERCENTILE_NAME.exec(name);
  if (pct) {
    const metric = pct[1] as string;
    const p = Number(pct[2]);
    if (!isMetric(metric)) return unknownMetric(metric);
    if (!(p > 0 && p < 100)) return `the percentile must be above 0 and below 100, not ${pct[2]}`;
    return { kind: 'percentile', metric, p };
  }
  const hint = name.endsWith('_ms') ? '' : ' (limits are in milliseconds: the name ends in _ms)';
  return `unknown objective${hint}; valid names: ${VALID_NAMES}`;
}

function unknownMetric(metric: string): string {
  // vLLM's --goodput says e2el for end-to-end latency; llmload's summary says latency.
  const hint = metric === 'e2el' || metric === 'e2e' ? ' (end-to-end latency is "latency" here)' : '';
  return `unknown metric "${metric}"${hint}; valid metrics: ${SLO_METRICS.join(', ')}; valid names: ${VALID_NAMES}`;
}
