// Owns reading zip archives (`.skops`, `.npz`) held in memory: the central directory (ZIP64
// included), stored and deflated entries, CRC checks, and bounds on entry counts and sizes so a
// zip bomb fails before it inflates.

import * as zlib from 'node:zlib';
import { PickleError } from './errors.js';
import type { Budget } from './limits.js';

/** One file of a zip, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly flags: number;
  readonly localHeaderOffset: number;
}

const METHOD_NAMES: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstandard', 95: 'xz' };
const U32 = 0xffffffff;

/** A zip archive read from bytes; entries are inflated on `read`, each once per call. */
export class ZipArchive {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #entries: Map<string, ZipEntry>;
  readonly #budget: Budget;
  readonly #what: string;

  private constructor(bytes: Uint8Array, entries: Map<string, ZipEntry>, budget: Budget, what: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#entries = entries;
    this.#budget = budget;
    this.#what = what;
  }

  /** Reads the central directory; `what` names the archive in messages. */
  static open(input: Uint8Array, budget: Budget, what: string): ZipArchive {
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    budget.checkInput(bytes.length, what);
    return new ZipArchive(bytes, readDirectory(bytes, budget, what), budget, what);
  }

  /** Entry names, in directory order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** The entry called `name`, if any. */
  entry(name: string): ZipEntry | undefined {
    return this.#entries.get(name);
  }

  /** The uncompressed bytes of `name` (stored entries are views of the archive). */
  read(name: string): Uint8Array {
    const e = this.#entries.get(name);
    const what = `${this.#what}: entry '${name}'`;
    if (!e) throw new PickleError(`${this.#what} has no entry '${name}'`);
    if (e.flags & 1) throw new PickleError(`${what} is encrypted`);
    if (e.size > this.#budget.limits.maxEntryBytes) throw new PickleError(`${what} is ${e.size} bytes uncompressed, over the limit of ${this.#budget.limits.maxEntryBytes} (raise limits.maxEntryBytes to read it)`);
    const at = e.localHeaderOffset;
    if (at + 30 > this.#bytes.length || this.#view.getUint32(at, true) !== 0x04034b50) throw new PickleError(`${what} has no local header at byte ${at}`);
    const start = at + 30 + this.#view.getUint16(at + 26, true) + this.#view.getUint16(at + 28, true);
    if (start + e.compressedSize > this.#bytes.length) throw new PickleError(`${what} runs past the end of the archive`);
    const raw = this.#bytes.subarray(start, start + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw new PickleError(`${what} is stored with different compressed and uncompressed sizes`);
      data = raw;
    } else if (e.method === 8) {
      this.#budget.alloc(e.size, what);
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new PickleError(`${what} does not inflate to its declared ${e.size} bytes (corrupt or a zip bomb): ${(err as Error).message}`, { cause: err });
      }
      if (data.length !== e.size) throw new PickleError(`${what} inflates to ${data.length} bytes, not the declared ${e.size}`);
    } else {
      throw new PickleError(`${what} uses compression method ${e.method}${METHOD_NAMES[e.method] ? ` (${METHOD_NAMES[e.method]})` : ''}; only stored and deflated entries are read (re-save with zipfile.ZIP_DEFLATED)`);
    }
    if (crc32(data) !== e.crc32) throw new PickleError(`${what} fails its CRC-32 check (corrupt archive)`);
    return data;
  }
}

function readDirectory(bytes: Uint8Array, budget: Budget, what: string): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndRecord(bytes, view, what);
  let count = view.getUint16(eocd + 10, true);
  let dirSize = view.getUint32(eocd + 12, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) throw new PickleError(`${what} is a multi-disk zip, which is not supported`);
  if (count === 0xffff || dirSize === U32 || dirOffset === U32) {
    // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
    const loc = eocd - 20;
    if (loc < 0 || view.getUint32(loc, true) !== 0x07064b50) throw new PickleError(`${what} has ZIP64 markers but no ZIP64 locator`);
    const rec = u64(view, loc + 8, what);
    if (rec + 56 > bytes.length || view.getUint32(rec, true) !== 0x06064b50) throw new PickleError(`${what} has no ZIP64 end record where its locator points`);
    count = u64(view, rec + 32, what);
    dirSize = u64(view, rec + 40, what);
    dirOffset = u64(view, rec + 48, what);
  }
  if (count > budget.limits.maxZipEntries) throw new PickleError(`${what} has ${count} entries, over the limit of ${budget.limits.maxZipEntries} (raise limits.maxZipEntries to read it)`);
  if (dirOffset + dirSize > bytes.length) throw new PickleError(`${what} has a central directory past the end of the file (truncated?)`);
  const entries = new Map<string, ZipEntry>();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dirOffset + dirSize || view.getUint32(p, true) !== 0x02014b50) throw new PickleError(`${what} has a damaged central directory (entry ${n})`);
    const flags = view.getUint16(p + 8, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > dirOffset + dirSize) throw new PickleError(`${what} has a damaged central directory (entry ${n})`);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    let size = view.getUint32(p + 24, true);
    let compressedSize = view.getUint32(p + 20, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(x, true);
      const len = view.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === U32) (size = u64(view, q, what)), (q += 8);
        if (compressedSize === U32) (compressedSize = u64(view, q, what)), (q += 8);
        if (localHeaderOffset === U32) localHeaderOffset = u64(view, q, what);
      }
      x += 4 + len;
    }
    if (entries.has(name)) throw new PickleError(`${what} has two entries named '${name}'`);
    entries.set(name, { name, method: view.getUint16(p + 10, true), compressedSize, size, crc32: view.getUint32(p + 16, true), flags, localHeaderOffset });
    budget.count();
    p = end;
  }
  return entries;
}

// zlib.crc32 is native from Node 20.15; earlier releases get the table-driven version.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let table: Int32Array | undefined;

/** CRC-32 (ISO-HDLC, as zip uses) of `data`. */
export function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function findEndRecord(bytes: Uint8Array, view: DataView, what: string): number {
  // The end record (22 bytes) is followed by a comment of up to 65,535 bytes.
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 0xffff; p--) {
    if (view.getUint32(p, true) === 0x06054b50 && p + 22 + view.getUint16(p + 20, true) === bytes.length) return p;
  }
  throw new PickleError(`${what} is not a zip archive (no end of central directory record; truncated?)`);
}

function u64(view: DataView, at: number, what: string): number {
  if (at + 8 > view.byteLength) throw new PickleError(`${what} has a truncated ZIP64 field`);
  const hi = view.getUint32(at + 4, true);
  if (hi > 0x1fffff) throw new PickleError(`${what} has a ZIP64 size beyond any file`);
  return hi * 4294967296 + view.getUint32(at, true);
}
