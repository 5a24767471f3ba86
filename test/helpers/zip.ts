// Test helper: write zip archives as Python's zipfile does, with knobs to corrupt what the central
// directory declares (sizes, CRC, flags, method) and ZIP64 fields.

import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/pyobj/zip.js';

/** One entry of `makeZip`. */
export interface Spec {
  name: string;
  data: Uint8Array;
  method?: number;
  /** Overrides of what the central directory declares. */
  size?: number;
  crc?: number;
  flags?: number;
  zip64?: boolean;
}

/** A zip archive, written as Python's zipfile writes one (local headers, central directory, end record). */
export function makeZip(specs: Spec[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const s of specs) {
    const method = s.method ?? 0;
    const body = Buffer.from(method === 8 ? deflateRawSync(s.data) : s.data);
    const name = Buffer.from(s.name);
    const crc = s.crc ?? crc32(s.data);
    const size = s.size ?? s.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(s.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const extra = s.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    if (s.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(s.flags ?? 0, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : body.length, 20);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(extra.length, 30);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : offset, 42);
    central.push(c, name, extra);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}
