// Owns the error type of the JSON parser and the decoding of request bytes to text as Python's json.loads detects it.

/** A body that is not valid JSON; `message` is Python's `JSONDecodeError` text. */
export class JsonDecodeError extends Error {
  /** Python's message without the position (`Expecting value`). */
  readonly msg: string;
  /** Character offset (code points, 0-based) of the problem; -1 for encoding errors. */
  readonly pos: number;
  /** 1-based line of `pos` (0 for encoding errors). */
  readonly lineno: number;
  /** 1-based column of `pos` (0 for encoding errors). */
  readonly colno: number;
  /** `syntax` for malformed JSON (Python's JSONDecodeError), `encoding` for undecodable bytes. */
  readonly kind: 'syntax' | 'encoding';

  constructor(msg: string, doc: string, index: number, kind: 'syntax' | 'encoding' = 'syntax') {
    let pos = -1;
    let lineno = 0;
    let colno = 0;
    if (kind === 'syntax') {
      // Python counts code points; JS strings index UTF-16 units, so drop one per surrogate pair.
      const prefix = doc.slice(0, index);
      const nl = prefix.lastIndexOf('\n');
      pos = index - countPairs(prefix);
      lineno = countChar(prefix, 10) + 1;
      colno = nl < 0 ? pos + 1 : index - nl - countPairs(prefix.slice(nl + 1));
    }
    super(kind === 'syntax' ? `${msg}: line ${lineno} column ${colno} (char ${pos})` : msg);
    this.name = 'JSONDecodeError';
    this.msg = msg;
    this.pos = pos;
    this.lineno = lineno;
    this.colno = colno;
    this.kind = kind;
  }
}

function countPairs(s: string): number {
  return s.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0;
}

function countChar(s: string, code: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) n++;
  return n;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A decoding failure, worded like Python's UnicodeDecodeError for bytes `start..end-1`. */
function encodingError(codec: string, b: Uint8Array, start: number, end: number, reason: string): JsonDecodeError {
  const where = end - start === 1 ? `byte 0x${b[start].toString(16).padStart(2, '0')} in position ${start}` : `bytes in position ${start}-${end - 1}`;
  const name = codec.startsWith('utf-8') ? 'UTF-8' : codec.slice(0, 6).toUpperCase();
  return new JsonDecodeError(`Request body is not valid ${name}: '${codec}' codec can't decode ${where}: ${reason}`, '', 0, 'encoding');
}

/** Python's `json.detect_encoding` on the first bytes. */
function detectEncoding(b: Uint8Array): string {
  const [b0, b1, b2, b3] = b;
  if (b.length >= 4 && ((b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0))) return 'utf-32';
  if (b.length >= 2 && ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe))) return 'utf-16';
  if (b.length >= 3 && b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8-sig';
  if (b.length >= 4) {
    if (!b0) return b1 ? 'utf-16-be' : 'utf-32-be';
    if (!b1) return b2 || b3 ? 'utf-16-le' : 'utf-32-le';
  } else if (b.length === 2) {
    if (!b0) return 'utf-16-be';
    if (!b1) return 'utf-16-le';
  }
  return 'utf-8';
}

/** Decodes UTF-16/32 keeping lone surrogates (Python's `surrogatepass`); a BOM selects the byte order. */
function decodeWide(b: Uint8Array, enc: string): string {
  const unit = enc.startsWith('utf-32') ? 4 : 2;
  let codec = enc;
  let start = 0;
  if (enc === 'utf-16' || enc === 'utf-32') {
    codec = `${enc}-${b[0] === 0xff ? 'le' : 'be'}`;
    start = unit;
  }
  const le = codec.endsWith('le');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const codes: number[] = [];
  let out = '';
  let i = start;
  for (; i + unit <= b.length; i += unit) {
    const c = unit === 2 ? view.getUint16(i, le) : view.getUint32(i, le);
    if (c > 0x10ffff) throw encodingError(codec, b, i, i + 4, 'code point not in range(0x110000)');
    codes.push(c);
    if (codes.length >= 4096) {
      out += String.fromCodePoint(...codes);
      codes.length = 0;
    }
  }
  if (i < b.length) throw encodingError(codec, b, i, b.length, 'truncated data');
  return out + String.fromCodePoint(...codes);
}

/** Python-style location of the first invalid UTF-8 sequence (surrogates pass, as with `surrogatepass`). */
function utf8Problem(b: Uint8Array, from: number): { start: number; end: number; reason: string } | undefined {
  for (let i = from; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!n) return { start: i, end: i + 1, reason: 'invalid start byte' };
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < n; k++) {
      if (i + k >= b.length) return { start: i, end: b.length, reason: 'unexpected end of data' };
      const x = b[i + k];
      if (x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return { start: i, end: i + k, reason: 'invalid continuation byte' };
    }
    i += n;
  }
  return undefined;
}

/** Manual UTF-8 decoder used only when TextDecoder rejects the body: allows encoded surrogates. */
function decodeUtf8Lenient(b: Uint8Array, codec: string): string {
  // Python decodes utf-8-sig after dropping the BOM, so its positions start after it.
  const body = codec === 'utf-8-sig' ? b.subarray(3) : b;
  const problem = utf8Problem(body, 0);
  if (problem) throw encodingError(codec === 'utf-8-sig' ? 'utf-8' : codec, body, problem.start, problem.end, problem.reason);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    let cp: number;
    if (c < 0x80) cp = body[i++];
    else if (c < 0xe0) cp = ((c & 0x1f) << 6) | (body[i + 1] & 0x3f), (i += 2);
    else if (c < 0xf0) cp = ((c & 0x0f) << 12) | ((body[i + 1] & 0x3f) << 6) | (body[i + 2] & 0x3f), (i += 3);
    else cp = ((c & 0x07) << 18) | ((body[i + 1] & 0x3f) << 12) | ((body[i + 2] & 0x3f) << 6) | (body[i + 3] & 0x3f), (i += 4);
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** Bytes to text as Python's `json.loads(bytes)` decodes them. */
/** Decodes a request body the way Python's json.loads detects its encoding (UTF-8 with or without BOM, UTF-16, UTF-32). */
export function decodeBody(b: Uint8Array): string {
  const enc = detectEncoding(b);
  if (!enc.startsWith('utf-8')) return decodeWide(b, enc);
  try {
    return UTF8.decode(b); // strips a UTF-8 BOM, like Python's utf-8-sig
  } catch {
    return decodeUtf8Lenient(b, enc);
  }
}

// Powers of ten that are exact doubles (Clinger's fast path for decimal -> binary).
