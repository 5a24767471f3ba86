// Owns the text decodings the pickle machine needs, each as strict as CPython's: UTF-8 with
// 'surrogatepass', raw-unicode-escape, Python 2 string escapes, ASCII, and int()/float() of text.

import { PickleError } from './errors.js';

/** Decodes UTF-8 as Python's `str(b, 'utf-8', 'surrogatepass')`: encoded lone surrogates are kept. */
export function decodeUtf8(buf: Buffer, start: number, end: number): string {
  const s = buf.toString('utf8', start, end);
  // Node replaces invalid sequences with U+FFFD; only then is the strict decoder needed.
  return s.includes('\ufffd') ? decodeUtf8Strict(buf, start, end) : s;
}

function decodeUtf8Strict(b: Buffer, start: number, end: number): string {
  const units: number[] = [];
  let out = '';
  for (let i = start; i < end; ) {
    const c = b[i];
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      n = 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      n = 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      n = 4;
    } else {
      throw new PickleError(`Invalid UTF-8 byte 0x${c.toString(16)} in a str`);
    }
    if (i + n > end) throw new PickleError('Truncated UTF-8 sequence in a str');
    for (let k = 1; k < n; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) throw new PickleError(`Invalid UTF-8 continuation byte 0x${cc.toString(16)} in a str`);
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) throw new PickleError('Overlong or out-of-range UTF-8 sequence in a str');
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += n;
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** Decodes ASCII strictly (Python's 'ascii' codec). */
export function decodeAscii(buf: Buffer, start: number, end: number, what: string): string {
  for (let i = start; i < end; i++) if (buf[i] > 0x7f) throw new PickleError(`${what} is not ASCII (byte 0x${buf[i].toString(16)})`);
  return buf.toString('latin1', start, end);
}

/** Python's 'raw-unicode-escape' decoding: latin-1, except `\uXXXX` and `\UXXXXXXXX` after an odd run of backslashes. */
export function decodeRawUnicodeEscape(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    if (b[i] !== 0x5c) {
      let j = i;
      while (j < b.length && b[j] !== 0x5c) j++;
      out += latin1(b, i, j);
      i = j;
      continue;
    }
    let run = 0;
    while (i + run < b.length && b[i + run] === 0x5c) run++;
    const next = b[i + run];
    if (run % 2 === 1 && (next === 0x75 || next === 0x55)) {
      out += '\\'.repeat(run - 1);
      const digits = next === 0x75 ? 4 : 8;
      const hex = latin1(b, i + run + 1, i + run + 1 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw new PickleError(`Truncated \\${String.fromCharCode(next)} escape in a raw-unicode-escape str`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PickleError('\\U escape beyond U+10FFFF in a raw-unicode-escape str');
      out += String.fromCodePoint(cp);
      i += run + 1 + digits;
    } else {
      out += '\\'.repeat(run);
      i += run;
    }
  }
  return out;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, Math.min(end, b.length));
}

const SIMPLE_ESCAPES: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };

/** Python's `codecs.escape_decode` (the STRING opcode's Python 2 `repr` escapes) to bytes. */
export function decodeStringEscapes(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    if (++i >= b.length) throw new PickleError('Trailing \\ in a STRING');
    const e = b[i];
    if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e]);
    else if (e === 0x0a) continue; // backslash-newline: a line continuation
    else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < b.length && b[i + 1] >= 0x30 && b[i + 1] <= 0x37; k++) v = v * 8 + (b[++i] - 0x30);
      out.push(v & 0xff);
    } else if (e === 0x78) {
      const hex = String.fromCharCode(b[i + 1] ?? 0, b[i + 2] ?? 0);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new PickleError('Invalid \\x escape in a STRING');
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(0x5c, e);
  }
  return Uint8Array.from(out);
}

/**
 * Python's `int(text, 0)`: surrounding whitespace, a sign, 0x/0o/0b prefixes, underscores
 * between digits; a number when exact, a bigint beyond 2^53. Decimal digits are limited to
 * `maxDigits` (Python's default is 4300) so a huge literal cannot cost quadratic time.
 */
export function parsePyInt(text: string, maxDigits: number): number | bigint {
  const m = /^\s*([+-]?)(?:0([xob])((?:_?[0-9a-f])+)|([1-9](?:_?[0-9])*|0(?:_?0)*))\s*$/i.exec(text);
  if (!m) throw new PickleError(`Invalid int literal '${text.slice(0, 40)}'`);
  const negative = m[1] === '-';
  let big: bigint;
  if (m[2]) {
    const prefix = m[2].toLowerCase();
    const digits = m[3].replace(/_/g, '');
    const valid = prefix === 'x' ? /^[0-9a-f]+$/i : prefix === 'o' ? /^[0-7]+$/ : /^[01]+$/;
    if (!valid.test(digits)) throw new PickleError(`Invalid int literal '${text.slice(0, 40)}'`);
    big = BigInt(`0${prefix}${digits}`);
  } else {
    const digits = m[4].replace(/_/g, '');
    if (digits.length > maxDigits) throw new PickleError(`Int literal has ${digits.length} digits, over the limit of ${maxDigits}`);
    if (digits.length <= 15) return negative ? -Number(digits) || 0 : Number(digits);
    big = BigInt(digits);
  }
  return exactInt(negative ? -big : big);
}

/** A bigint as a number when it is exact, else the bigint. */
export function exactInt(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Python's `float(text)`: whitespace, underscores between digits, inf/infinity/nan in any case. */
export function parsePyFloat(text: string): number {
  const t = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?$/i.test(t)) {
    throw new PickleError(`Invalid float literal '${text.slice(0, 40)}'`);
  }
  return Number(t.replace(/_/g, ''));
}
