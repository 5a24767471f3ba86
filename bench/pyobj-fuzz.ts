// Fuzzes src/pyobj/'s readers for longer than `npm test` does: mutated and truncated real pickles,
// skops zips and their entries. Prints crashes (each a bug), clean rejections, time per input and
// ArrayBuffer growth against the bound. Exits 1 on a crash or an allocation over the bound.
//
//   npm run build && node dist/bench/pyobj-fuzz.js [--count 100000] [--seed 1] [--measure-every 10]

import { fileURLToPath } from 'node:url';
import { loadSeeds, runFuzz } from '../test/helpers/pyobj-fuzz.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const count = arg('count', 100_000);
const seed = arg('seed', 1);
const seeds = loadSeeds(fileURLToPath(new URL('../../test/fixtures/pyobj/', import.meta.url)));
const started = Date.now();
const report = runFuzz(seeds, { seed, count, measureEvery: arg('measure-every', 10) });
console.log(`pyobj fuzz: ${report.inputs} inputs from ${seeds.length} seed files (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`  accepted ${report.accepted}, rejected ${JSON.stringify(report.rejected)}, crashes ${report.crashes.length}, over the allocation bound ${report.overBound.length}`);
console.log(`  time per input: p99 ${report.p99Ms.toFixed(2)} ms, max ${report.maxMs.toFixed(2)} ms (${report.slowest}); max ArrayBuffer growth ${report.maxGrowth} bytes`);
for (const c of report.crashes.slice(0, 10)) console.log(`  CRASH ${c.seed} (${c.mutation}): ${c.error}`);
for (const o of report.overBound.slice(0, 10)) console.log(`  OVER BOUND ${o.seed} (${o.mutation}): grew ${o.growth} bytes, bound ${o.bound}`);
process.exitCode = report.crashes.length > 0 || report.overBound.length > 0 ? 1 : 0;
