import type { SavedRun } from '../../src/report/saved-run.js';
import { syntheticRun } from './synthetic-run.js';

/** Text a hostile server or user might plant; each tries to run script if pasted into the page as is. */
export const HOSTILE = {
  model: '</script><script>window.__pwned = 1; alert(1)</script>',
  label: '<img src=x onerror="window.__pwned = 2; alert(2)">',
  error: '"><svg onload="window.__pwned = 3; alert(3)"></svg><script>window.__pwned = 4</script>',
} as const;

/** A run whose model name, label and error messages are all hostile (every 4th request fails). */
export function hostileRun(n = 40): SavedRun {
  return syntheticRun({ n, failEvery: 4, model: HOSTILE.model, label: HOSTILE.label, errorMessage: HOSTILE.error });
}
