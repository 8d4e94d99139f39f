/**
 * The seed prototype spelled its flags in snake_case (`--total_requests`); llmload's own are
 * kebab-case. Both must work, so flag names are normalised before parsing: underscores in the name
 * part of a `--long-flag` (never in its value) become dashes.
 */
export function normalizeFlagSpelling(argv: readonly string[]): string[] {
  let afterDoubleDash = false;
  return argv.map((arg) => {
    if (afterDoubleDash || !arg.startsWith('--')) return arg;
    if (arg === '--') {
      afterDoubleDash = true;
      return arg;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const rest = eq === -1 ? '' : arg.slice(eq);
    const kebab = name.replace(/_/g, '-');
    return (FLAG_ALIASES[kebab] ?? kebab) + rest;
  });
}

/**
 * Other tools' spellings of llmload's flags, so their users' scripts carry over: vLLM's
 * `bench serve` (--dataset-name, --random-input-len, --random-output-len, --sharegpt-output-len,
 * --random-prefix-len, --extra-request-body, --request-rate, --num-prompts, --ramp-up-*) and AIPerf's
 * (--request-count, --arrival-smoothness, --concurrency; --extra-inputs is a different shape and
 * not aliased). `--random-range-ratio` is a flag of its own (it widens both lengths).
 */
export const FLAG_ALIASES: Readonly<Record<string, string>> = {
  '--dataset-name': '--dataset',
  '--random-input-len': '--input-tokens',
  '--random-output-len': '--output-tokens',
  '--sharegpt-output-len': '--output-tokens',
  '--random-prefix-len': '--prefix-tokens',
  '--extra-request-body': '--extra-body',
  // vLLM's and AIPerf's names for the rate, the request count and the arrival shape.
  '--request-rate': '--rate',
  '--num-prompts': '--total-requests',
  '--request-count': '--total-requests',
  '--arrival-smoothness': '--burstiness',
  '--ramp-up-strategy': '--ramp-up',
  '--ramp-up-start-rps': '--ramp-up-start',
  '--ramp-up-end-rps': '--ramp-up-end',
  // AIPerf's --concurrency is closed-loop users (vLLM's --max-concurrency is the cap: llmload's too).
  '--concurrency': '--users',
};

/** A flag's string value as a number, or a problem message naming the flag. */
export function parseNumberFlag(
  flag: string,
  raw: string | undefined,
  problems: { field: string; message: string }[],
  options: { allowInfinity?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase();
  if (options.allowInfinity && (t === 'inf' || t === 'infinity')) return Infinity;
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) {
    problems.push({ field: flag, message: `"${raw}" is not a number${options.allowInfinity ? ' (or inf)' : ''}` });
    return undefined;
  }
  return v;
}
