/** Number formats shared by chart titles, legends and notes (en-US, so output is the same anywhere). */

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** At most four significant digits and no trailing zeros: 20, 2.5, 0.1625, 99.05. */
export function formatNumber(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** Milliseconds with the digits that matter at their size: 0.42 ms, 51.7 ms, 1,234 ms. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  const digits = abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
