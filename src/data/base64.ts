// Owns lenient base64 decoding exactly as Python's base64.b64decode(s) (binascii, strict_mode=False) does it.

import { ConversionError } from './ndarray.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const TABLE = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) TABLE[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='

/**
 * Decodes base64 text like CPython 3.11/3.12 `b64decode`: characters outside the alphabet are
 * dropped, a complete pad sequence ends the data, and an unfinished quad is an error. Throws an
 * ConversionError with Python's message (`Incorrect padding`, `Invalid base64-encoded string: ...`,
 * `string argument should contain only ASCII characters`).
 */
export function decodeBase64Lenient(text: string): Buffer {
  const n = text.length;
  const out = Buffer.allocUnsafe(Math.ceil(n / 4) * 3);
  let len = 0;
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) throw new ConversionError('string argument should contain only ASCII characters');
    if (c === PAD) {
      // Short-circuit as in C: pads only count once two data characters of the quad are in.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return out.subarray(0, len);
      continue;
    }
    const v = TABLE[c];
    if (v === 255) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        quadPos = 1;
        left = v;
        break;
      case 1:
        quadPos = 2;
        out[len++] = (left << 2) | (v >> 4);
        left = v & 0x0f;
        break;
      case 2:
        quadPos = 3;
        out[len++] = ((left << 4) | (v >> 2)) & 0xff;
        left = v & 0x03;
        break;
      default:
        quadPos = 0;
        out[len++] = ((left << 6) | v) & 0xff;
        left = 0;
    }
  }
  if (quadPos === 1) {
    const chars = Math.floor(len / 3) * 4 + 1;
    throw new ConversionError(`Invalid base64-encoded string: number of data characters (${chars}) cannot be 1 more than a multiple of 4`);
  }
  if (quadPos !== 0) throw new ConversionError('Incorrect padding');
  return out.subarray(0, len);
}
