// Test helper: the fuzzer of src/pyobj/'s readers. Mutates real pickles, skops zips (whole, or
// one entry rebuilt into a valid zip) and .npy data with a seeded generator, reads each input,
// walks the tree, and reports crashes (anything but PickleError/PyTreeError), time per input, and
// ArrayBuffer growth against the stated bound. Used by src/pyobj/fuzz.test.ts (short) and
// bench/pyobj-fuzz.ts (long).

import { rng } from './fuzz-gen.js';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PickleError, PyTreeError, readPythonObject, toTreeJson, walkTree } from '../../src/pyobj/index.js';
import { ZipArchive } from '../../src/pyobj/zip.js';
import { Budget, resolveLimits } from '../../src/pyobj/limits.js';
import { makeZip } from './zip.js';

/** One input the mutations start from. */
export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
}

/** What a fuzz run found. */
export interface FuzzReport {
  inputs: number;
  /** Inputs read without error. */
  accepted: number;
  /** Clean failures by error class. */
  rejected: Record<string, number>;
  /** Inputs that threw anything else: each is a bug. */
  crashes: { seed: string; mutation: string; error: string }[];
  /** Inputs whose ArrayBuffer growth passed the bound. */
  overBound: { seed: string; mutation: string; growth: number; bound: number }[];
  maxMs: number;
  p99Ms: number;
  totalMs: number;
  slowest: string;
  maxGrowth: number;
}

/**
 * The allocation bound the fuzzer asserts, as a cap given to the reader: ArrayBuffer memory may
 * grow by at most twice the input plus 1 MiB while a file is read.
 */
export function allocationBound(inputBytes: number): number {
  return 2 * inputBytes + (1 << 20);
}

/** The real files under test/fixtures/pyobj/ (pickles and skops files of every environment). */
export function loadSeeds(root: string, filter: (name: string) => boolean = () => true): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  for (const env of readdirSync(root).sort()) {
    const dir = join(root, env);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if ((file.endsWith('.pkl') || file.endsWith('.skops')) && filter(file)) seeds.push({ name: `${env}/${file}`, bytes: new Uint8Array(readFileSync(join(dir, file))) });
    }
  }
  return seeds;
}

/** A small, fast, seeded generator: the HTTP fuzz's (mulberry32). */
export const random = rng;

// Bytes that mean something to the readers: opcodes, length-ish values, JSON and zip markers.
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x28, 0x29, 0x2e, 0x5d, 0x7d, 0x52, 0x62, 0x68, 0x71, 0x58, 0x42, 0x8e, 0x95, 0x93, 0x81, 0x96, 0x97, 0x30, 0x31, 0x32, 0x61, 0x65, 0x75, 0x73, 0x74, 0x50, 0x4b];
const BIG32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00100000, 0];

type Mutator = (b: Uint8Array, r: () => number) => Uint8Array;

const at = (r: () => number, n: number): number => Math.floor(r() * n);

const MUTATORS: Record<string, Mutator> = {
  truncate: (b, r) => b.slice(0, at(r, b.length)),
  flip: (b, r) => {
    const out = b.slice();
    for (let k = 1 + at(r, 8); k > 0 && out.length; k--) out[at(r, out.length)] ^= 1 << at(r, 8);
    return out;
  },
  interesting: (b, r) => {
    const out = b.slice();
    for (let k = 1 + at(r, 4); k > 0 && out.length; k--) out[at(r, out.length)] = INTERESTING[at(r, INTERESTING.length)];
    return out;
  },
  length32: (b, r) => {
    const out = b.slice();
    if (out.length >= 4) new DataView(out.buffer).setUint32(at(r, out.length - 3), BIG32[at(r, BIG32.length)], true);
    return out;
  },
  length64: (b, r) => {
    const out = b.slice();
    if (out.length >= 8) new DataView(out.buffer).setBigUint64(at(r, out.length - 7), [2n ** 53n - 1n, 2n ** 40n, 2n ** 31n, 2n ** 63n][at(r, 4)], true);
    return out;
  },
  splice: (b, r) => {
    const from = at(r, b.length);
    const chunk = b.subarray(from, from + 1 + at(r, 64));
    const to = at(r, b.length + 1);
    return concat(b.subarray(0, to), chunk, b.subarray(to));
  },
  remove: (b, r) => {
    const from = at(r, b.length);
    return concat(b.subarray(0, from), b.subarray(from + 1 + at(r, 32)));
  },
  json: (b, r) => {
    // Numbers in a JSON text become extreme values; a loader name may be swapped.
    const text = Buffer.from(b).toString('latin1');
    const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)];
    if (numbers.length === 0) return b;
    const m = numbers[at(r, numbers.length)];
    const value = ['1e308', '-1', '99999999999999999999', '0', '2147483648', 'NaN', '[]'][at(r, 7)];
    return new Uint8Array(Buffer.from(text.slice(0, m.index) + value + text.slice(m.index! + m[0].length), 'latin1'));
  },
};

// Opcode-aware mutations keep the stream parseable and change what it means.
const NO_ARG = [...'(.012NR]a}bde)ltsu', '\x85', '\x86', '\x87', '\x88', '\x89', '\x8f', '\x90', '\x91', '\x81', '\x92', '\x93', '\x94', 'o', 'Q', '\x98'].map((c) => c.charCodeAt(0));
const FIXED: Record<number, number> = { 0x4b: 1, 0x68: 1, 0x71: 1, 0x80: 1, 0x82: 1, 0x4d: 2, 0x83: 2, 0x4a: 4, 0x6a: 4, 0x72: 4, 0x84: 4, 0x47: 8, 0x95: 8 };
const PREFIXED: Record<number, number> = { 0x55: 1, 0x43: 1, 0x8c: 1, 0x8a: 1, 0x54: 4, 0x42: 4, 0x58: 4, 0x8b: 4, 0x8d: 8, 0x8e: 8, 0x96: 8 };
const LINES: Record<number, number> = { 0x49: 1, 0x4c: 1, 0x46: 1, 0x53: 1, 0x56: 1, 0x67: 1, 0x70: 1, 0x50: 1, 0x63: 2, 0x69: 2 };

/** Start offsets of the opcodes of a pickle, as far as they can be followed. */
function opcodes(b: Uint8Array): number[] {
  const out: number[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < b.length && out.length < 100_000; ) {
    const op = b[i];
    out.push(i);
    if (op === 0x2e) break;
    let next = i + 1;
    if (NO_ARG.includes(op)) next = i + 1;
    else if (op in FIXED) next = i + 1 + FIXED[op];
    else if (op in PREFIXED) {
      const w = PREFIXED[op];
      if (i + 1 + w > b.length) break;
      const n = w === 1 ? b[i + 1] : w === 4 ? view.getUint32(i + 1, true) : Number(view.getBigUint64(i + 1, true));
      next = i + 1 + w + n;
    } else if (op in LINES) {
      next = i + 1;
      for (let k = 0; k < LINES[op]; k++) {
        const nl = b.indexOf(0x0a, next);
        if (nl < 0) return out;
        next = nl + 1;
      }
    } else break;
    i = next;
  }
  return out;
}

Object.assign(MUTATORS, {
  opcode: ((b, r) => {
    const out = b.slice();
    const candidates = opcodes(out).filter((i) => NO_ARG.includes(out[i]));
    for (let k = 1 + at(r, 3); k > 0 && candidates.length; k--) out[candidates[at(r, candidates.length)]] = NO_ARG[at(r, NO_ARG.length)];
    return out;
  }) as Mutator,
  memo: ((b, r) => {
    const out = b.slice();
    const gets = opcodes(out).filter((i) => out[i] === 0x68 || out[i] === 0x71);
    for (let k = 1 + at(r, 3); k > 0 && gets.length; k--) out[gets[at(r, gets.length)] + 1] = at(r, 64);
    return out;
  }) as Mutator,
});

const NAMES = Object.keys(MUTATORS);
const WHOLE_FILE = NAMES.filter((n) => n !== 'json');

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** One mutated input from `seed`, with a description of what was done. */
export function mutate(seed: FuzzSeed, r: () => number): { bytes: Uint8Array; mutation: string } {
  const isZip = seed.bytes[0] === 0x50 && seed.bytes[1] === 0x4b;
  if (isZip && r() < 0.6) {
    // Mutate one entry and rebuild a valid zip around it, so the mutation reaches the schema or an array.
    const zip = ZipArchive.open(seed.bytes, new Budget(resolveLimits()), 'seed');
    const names = zip.names();
    const target = names.includes('schema.json') && r() < 0.6 ? 'schema.json' : names[at(r, names.length)];
    const kind = target === 'schema.json' && r() < 0.5 ? 'json' : NAMES[at(r, NAMES.length)];
    const entries = names.map((name) => ({ name, data: name === target ? MUTATORS[kind](zip.read(name), r) : zip.read(name) }));
    return { bytes: makeZip(entries), mutation: `${kind} of entry ${target}` };
  }
  let bytes = seed.bytes;
  const steps: string[] = [];
  for (let k = 1 + at(r, 3); k > 0; k--) {
    const kind = WHOLE_FILE[at(r, WHOLE_FILE.length)];
    bytes = MUTATORS[kind](bytes, r);
    steps.push(kind);
  }
  return { bytes, mutation: steps.join('+') };
}

let gc: (() => void) | undefined;
function collect(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Reads `count` mutated inputs; `measureEvery` collects garbage and measures ArrayBuffer growth every n inputs. */
export function runFuzz(seeds: FuzzSeed[], options: { seed: number; count: number; measureEvery?: number }): FuzzReport {
  const r = random(options.seed);
  const measureEvery = options.measureEvery ?? 1;
  const times: number[] = [];
  const report: FuzzReport = { inputs: 0, accepted: 0, rejected: {}, crashes: [], overBound: [], maxMs: 0, p99Ms: 0, totalMs: 0, slowest: '', maxGrowth: 0 };
  for (let i = 0; i < options.count; i++) {
    const seed = seeds[at(r, seeds.length)];
    const { bytes, mutation } = mutate(seed, r);
    const measure = i % measureEvery === 0;
    if (measure) collect();
    const before = process.memoryUsage().arrayBuffers;
    const bound = allocationBound(bytes.length);
    const start = performance.now();
    let tree: unknown;
    try {
      tree = readPythonObject(bytes, { limits: { maxAllocBytes: bound } });
      const growth = process.memoryUsage().arrayBuffers - before;
      if (measure) {
        report.maxGrowth = Math.max(report.maxGrowth, growth);
        if (growth > bound) report.overBound.push({ seed: seed.name, mutation, growth, bound });
      }
      // The tree must be usable: walked to the end and written as JSON (within bounds).
      walkTree(tree as never, () => undefined, { maxNodes: 1_000_000 });
      toTreeJson(tree as never, { maxNodes: 200_000 });
      report.accepted++;
    } catch (err) {
      if (err instanceof PickleError || err instanceof PyTreeError) report.rejected[err.name] = (report.rejected[err.name] ?? 0) + 1;
      else report.crashes.push({ seed: seed.name, mutation, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
    const ms = performance.now() - start;
    times.push(ms);
    report.totalMs += ms;
    if (ms > report.maxMs) {
      report.maxMs = ms;
      report.slowest = `${seed.name} (${mutation}, ${bytes.length} bytes)`;
    }
    report.inputs++;
    tree = undefined;
  }
  times.sort((a, b) => a - b);
  report.p99Ms = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0;
  return report;
}
