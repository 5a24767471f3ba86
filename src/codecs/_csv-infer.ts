// Owns per-column dtype inference as pandas' C parser does it without a declared dtype:
// int64 (uint64 past int64), then float64, then bool, then object (parsers.pyx `_convert_tokens`).

import type { DType, DTypeStorage } from '../data/dtype.js';
import { boolWordValue, isBoolWord, isNa, parseFloatToken, parseIntToken } from './_csv-scalars.js';

/** What one pass over a column's fields found; indices are row positions, -1 for none. */
export interface CellScan {
  /** Numbers read so far (NaN for missing); complete only while `firstNonFloat < 0`. */
  readonly nums: Float64Array;
  /** Missing fields; complete unless the column is object-like (the scan stops early then). */
  readonly naCount: number;
  /** First missing field. */
  readonly firstNa: number;
  /** First non-missing field that is not an integer token. */
  readonly firstNonInt: number;
  /** First non-missing field that is neither an integer nor a float token. */
  readonly firstNonFloat: number;
  /** First non-missing field that is not a bool word. */
  readonly firstNonBool: number;
  /** Some integer token lies beyond ±2^53, so `nums` is inexact: re-read with BigInt. */
  readonly bigInts: boolean;
}

/** The kind pandas infers from a scan: every non-missing field an int, a number, a bool word, or else. */
export function scanKind(scan: CellScan): 'int' | 'float' | 'bool' | 'object' {
  if (scan.firstNonInt < 0) return 'int';
  if (scan.firstNonFloat < 0) return 'float';
  if (scan.firstNonBool < 0) return 'bool';
  return 'object';
}

/** Classifies every field of a column in one pass, reading numbers on the way. */
export function scanCells(cells: readonly string[]): CellScan {
  const n = cells.length;
  const nums = new Float64Array(n);
  let naCount = 0;
  let firstNa = -1;
  let firstNonInt = -1;
  let firstNonFloat = -1;
  let firstNonBool = -1;
  let bigInts = false;
  for (let r = 0; r < n; r++) {
    const s = cells[r];
    if (isNa(s)) {
      if (naCount++ === 0) firstNa = r;
      nums[r] = NaN;
      continue;
    }
    if (firstNonFloat < 0) {
      if (firstNonInt < 0) {
        const v = parseIntToken(s);
        if (v === v) {
          nums[r] = v;
          if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) bigInts = true;
          if (firstNonBool < 0) firstNonBool = r;
          continue;
        }
        firstNonInt = r;
      }
      const f = parseFloatToken(s);
      if (f === f) {
        nums[r] = f;
        if (firstNonBool < 0) firstNonBool = r;
        continue;
      }
      firstNonFloat = r;
    }
    if (firstNonBool < 0 && !isBoolWord(s)) firstNonBool = r;
    if (firstNonBool >= 0) break; // neither numeric nor bool: object, nothing more to learn
  }
  return { nums, naCount, firstNa, firstNonInt, firstNonFloat, firstNonBool, bigInts };
}

/** A built column: its dtype and values. */
export interface BuiltColumn {
  dtype: DType;
  values: DTypeStorage[DType];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

/** Safe integers (as numbers) into a BigInt64Array without allocating a bigint per value. */
export function safeIntsToInt64(nums: Float64Array): BigInt64Array {
  const out = new BigInt64Array(nums.length);
  if (LITTLE_ENDIAN) {
    const words = new Int32Array(out.buffer);
    for (let r = 0, w = 0; r < nums.length; r++, w += 2) {
      const v = nums[r];
      words[w] = v >>> 0;
      words[w + 1] = Math.floor(v / TWO_32);
    }
  } else {
    for (let r = 0; r < nums.length; r++) out[r] = BigInt(nums[r]);
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Integer tokens of which some pass ±2^53: int64, uint64, float64 or object as pandas decides. */
function buildBigInts(cells: readonly string[], scan: CellScan): BuiltColumn {
  const n = cells.length;
  const big: bigint[] = new Array(n);
  let negative = false;
  let aboveInt64 = false;
  let aboveUint64 = false;
  for (let r = 0; r < n; r++) {
    if (scan.nums[r] !== scan.nums[r]) continue;
    const v = BigInt(cells[r].trim());
    big[r] = v;
    if (v < 0n) negative = true;
    if (v > INT64_MAX) aboveInt64 = true;
    if (v > UINT64_MAX || v < INT64_MIN) aboveUint64 = true;
  }
  if (!aboveInt64 && !aboveUint64) {
    if (scan.naCount > 0) return { dtype: 'float64', values: scan.nums };
    return { dtype: 'int64', values: BigInt64Array.from(big) };
  }
  if (!aboveUint64 && !negative && scan.naCount === 0) return { dtype: 'uint64', values: BigUint64Array.from(big) };
  // pandas gives up on numbers here: values past uint64 keep NA filtering, a uint64 conflict with
  // negatives or missing values keeps even the NA words literally (parsers.pyx, GH#14983).
  const keepNaWords = !aboveUint64;
  const values: unknown[] = new Array(n);
  for (let r = 0; r < n; r++) values[r] = !keepNaWords && isNa(cells[r]) ? NaN : cells[r];
  return { dtype: 'object', values };
}

/** Object column of the raw strings, missing as NaN. */
export function stringsColumn(cells: readonly string[]): unknown[] {
  const values: unknown[] = new Array(cells.length);
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r];
    values[r] = isNa(s) ? NaN : s;
  }
  return values;
}

/** Builds a column with the dtype pandas infers for these fields. */
export function inferColumn(cells: readonly string[], scan: CellScan = scanCells(cells)): BuiltColumn {
  const n = cells.length;
  if (n === 0) return { dtype: 'object', values: [] };
  switch (scanKind(scan)) {
    case 'int':
      if (scan.bigInts) return buildBigInts(cells, scan);
      if (scan.naCount > 0) return { dtype: 'float64', values: scan.nums };
      return { dtype: 'int64', values: safeIntsToInt64(scan.nums) };
    case 'float':
      return { dtype: 'float64', values: scan.nums };
    case 'bool': {
      if (scan.naCount === 0) {
        const values: boolean[] = new Array(n);
        for (let r = 0; r < n; r++) values[r] = boolWordValue(cells[r]);
        return { dtype: 'bool', values };
      }
      // Bools with missing values are upcast to object: Python bools and NaN (parsers.pyx `_maybe_upcast`).
      const values: unknown[] = new Array(n);
      for (let r = 0; r < n; r++) values[r] = isNa(cells[r]) ? NaN : boolWordValue(cells[r]);
      return { dtype: 'object', values };
    }
    default:
      return { dtype: 'object', values: stringsColumn(cells) };
  }
}
