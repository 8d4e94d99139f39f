/**
 * Where a worker's time went: self and inclusive time per function from a V8 .cpuprofile, counted only
 * from the first sample inside the open loop (`pump`), so module loading and the warm-up stay out.
 *
 * Usage: node bench/profile-summary.mjs bench/out/prof/CPU.....cpuprofile [startFunction=pump] [rows=40]
 */
import { readFileSync } from 'node:fs';

const [file, startFunction = 'pump', rowsArg = '40'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [startFunction] [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

const label = (frame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|bench)\//, '$1/')}:${frame.lineNumber + 1}`;
const stackHas = (id, name) => {
  for (let c = id; c !== undefined; c = parentOf.get(c)) if (nodeById.get(c).callFrame.functionName === name) return true;
  return false;
};

// Each sample's weight is the time until the next sample.
const weightById = new Map();
let started = false;
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  if (!started && stackHas(id, startFunction)) started = true;
  if (!started) continue;
  const us = profile.timeDeltas[i + 1] ?? 0;
  weightById.set(id, (weightById.get(id) ?? 0) + us);
  totalUs += us;
}

const self = new Map();
const inclusive = new Map();
for (const [id, us] of weightById) {
  const own = label(nodeById.get(id).callFrame);
  self.set(own, (self.get(own) ?? 0) + us);
  const seen = new Set();
  for (let c = id; c !== undefined; c = parentOf.get(c)) {
    const name = label(nodeById.get(c).callFrame);
    if (seen.has(name)) continue; // recursion counts once
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const top = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
process.stdout.write(`profiled ${(totalUs / 1000).toFixed(0)} ms from the first '${startFunction}'\n-- self\n${top(self)}\n-- inclusive\n${top(inclusive)}\n`);
