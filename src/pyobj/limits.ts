// Owns the limits of every reader in pyobj/ (pickle, .npy, zip, skops) and the budget that
// enforces them while one file is read.

import { PickleError } from './errors.js';

const GIB = 1024 * 1024 * 1024;

/** Bounds on what reading one file may cost. Every field has a default (`DEFAULT_LIMITS`). */
export interface PyReadLimits {
  /** Largest input, in bytes (the pickle, or the whole `.skops` zip). @default 2 GiB - 1 (Node's file read limit) */
  readonly maxInputBytes: number;
  /**
   * Deepest nesting: MARK frames on the pickle stack, nodes of a skops schema, and the depth
   * that `walkTree`/`toTreeJson` follow. @default 1000
   */
  readonly maxDepth: number;
  /** Most memo entries of a pickle. @default 10,000,000 */
  readonly maxMemo: number;
  /**
   * Most values created: containers, records, strings, bytes, numbers pushed by an opcode,
   * and array elements that become objects (fixed-width strings, bytes). @default 50,000,000
   */
  readonly maxObjects: number;
  /**
   * Most bytes of buffers allocated: numpy data copied (unaligned, byte-swapped, Fortran order),
   * zip entries inflated, big integers, decoded strings. Array sizes declared by a shape are
   * checked against the bytes present before anything is allocated. @default 4 GiB
   */
  readonly maxAllocBytes: number;
  /** Most digits of an integer written as text (INT, LONG); Python's own limit is 4300. @default 4300 */
  readonly maxIntDigits: number;
  /** Most entries in a zip (`.skops`, `.npz`). @default 100,000 */
  readonly maxZipEntries: number;
  /** Largest uncompressed zip entry, in bytes. @default 2 GiB - 1 */
  readonly maxEntryBytes: number;
}

/** The limits used when a reader is given none. */
export const DEFAULT_LIMITS: Readonly<PyReadLimits> = Object.freeze({
  maxInputBytes: 2 * GIB - 1,
  maxDepth: 1000,
  maxMemo: 10_000_000,
  maxObjects: 50_000_000,
  maxAllocBytes: 4 * GIB,
  maxIntDigits: 4300,
  maxZipEntries: 100_000,
  maxEntryBytes: 2 * GIB - 1,
});

/** `DEFAULT_LIMITS` with `overrides` applied; each value must be a non-negative number. */
export function resolveLimits(overrides: Partial<PyReadLimits> = {}): PyReadLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof PyReadLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new TypeError(`Unknown pyobj limit '${key}'`);
    if (typeof value !== 'number' || !(value >= 0)) throw new TypeError(`pyobj limit '${key}' must be a non-negative number, got ${String(value)}`);
    (limits as Record<string, number>)[key] = value;
  }
  return limits;
}

/**
 * What one read has spent, checked against its limits. Shared by nested readers (a skops zip,
 * its `.npy` entries, a pickle inside an object `.npy`) so the limits hold for the whole file.
 */
export class Budget {
  readonly limits: PyReadLimits;
  /** Values created so far. */
  objects = 0;
  /** Buffer bytes allocated so far. */
  allocated = 0;

  constructor(limits: PyReadLimits) {
    this.limits = limits;
  }

  /** Counts `n` created values. */
  count(n = 1): void {
    this.objects += n;
    if (this.objects > this.limits.maxObjects) {
      throw new PickleError(`Too many objects: more than ${this.limits.maxObjects} (raise limits.maxObjects to read this file)`);
    }
  }

  /** Counts `bytes` about to be allocated for `what`. */
  alloc(bytes: number, what: string): void {
    this.allocated += bytes;
    if (this.allocated > this.limits.maxAllocBytes) {
      throw new PickleError(`Allocating ${bytes} bytes for ${what} would exceed the allocation limit of ${this.limits.maxAllocBytes} bytes (raise limits.maxAllocBytes to read this file)`);
    }
  }

  /** Fails when an input of `length` bytes is over `maxInputBytes`. */
  checkInput(length: number, what: string): void {
    if (length > this.limits.maxInputBytes) {
      throw new PickleError(`${what} is ${length} bytes, over the input limit of ${this.limits.maxInputBytes} bytes (raise limits.maxInputBytes to read it)`);
    }
  }
}
