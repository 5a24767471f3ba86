// Owns decoding UBJSON (Universal Binary JSON, big-endian) as XGBoost's `save_model("*.ubj")` writes it.

/**
 * A decoded UBJSON value: objects and arrays as plain JavaScript values, strings, numbers
 * (int64 as numbers, exact up to 2^53), booleans, null. Strongly typed arrays (`[$d#…`) become
 * typed arrays: `d` Float32Array, `D` Float64Array, `l` Int32Array, `I` Int16Array, `i` Int8Array,
 * `U` Uint8Array; `L` (int64) becomes a Float64Array.
 */
export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | { [key: string]: UbjValue }
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** Thrown for malformed input; the message gives the byte offset. */
export class UbjsonError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'UbjsonError';
  }
}

const SIZES: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 };

/** Decodes one UBJSON document; trailing bytes other than no-ops are an error. */
export function decodeUbjson(bytes: Uint8Array): UbjValue {
  const reader = new Reader(bytes);
  const value = reader.value();
  reader.skipNoops();
  if (reader.pos !== bytes.length) throw new UbjsonError('Trailing data after the document', reader.pos);
  return value;
}

class Reader {
  pos = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #text = new TextDecoder('utf-8', { fatal: true });

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  skipNoops(): void {
    while (this.pos < this.#bytes.length && this.#bytes[this.pos] === 0x4e /* N */) this.pos++;
  }

  marker(): string {
    if (this.pos >= this.#bytes.length) throw new UbjsonError('Unexpected end of data', this.pos);
    return String.fromCharCode(this.#bytes[this.pos++]);
  }

  value(): UbjValue {
    let m = this.marker();
    while (m === 'N') m = this.marker();
    return this.typed(m);
  }

  typed(m: string): UbjValue {
    switch (m) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'S':
      case 'H':
        return this.string();
      case 'C':
        return String.fromCharCode(this.number('U'));
      case '[':
        return this.array();
      case '{':
        return this.object();
      default:
        if (m in SIZES) return this.number(m);
        throw new UbjsonError(`Unknown UBJSON type marker ${JSON.stringify(m)}`, this.pos - 1);
    }
  }

  number(m: string): number {
    const size = SIZES[m];
    if (this.pos + size > this.#bytes.length) throw new UbjsonError('Unexpected end of data in a number', this.pos);
    const v = this.#view;
    const at = this.pos;
    this.pos += size;
    switch (m) {
      case 'i':
        return v.getInt8(at);
      case 'U':
      case 'C':
        return v.getUint8(at);
      case 'I':
        return v.getInt16(at);
      case 'l':
        return v.getInt32(at);
      case 'L':
        return Number(v.getBigInt64(at));
      case 'd':
        return v.getFloat32(at);
      default:
        return v.getFloat64(at);
    }
  }

  /** A length or count: any integer type marker followed by its value. */
  length(): number {
    const at = this.pos;
    const m = this.marker();
    if (!'iUIlL'.includes(m)) throw new UbjsonError(`Expected an integer length, found ${JSON.stringify(m)}`, at);
    const n = this.number(m);
    if (n < 0 || !Number.isSafeInteger(n)) throw new UbjsonError(`Invalid length ${n}`, at);
    return n;
  }

  string(): string {
    const n = this.length();
    if (this.pos + n > this.#bytes.length) throw new UbjsonError('Unexpected end of data in a string', this.pos);
    const s = this.#text.decode(this.#bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** Optional `$type` and `#count` of an optimised container. */
  header(): { type?: string; count?: number } {
    let type: string | undefined;
    let count: number | undefined;
    if (this.#bytes[this.pos] === 0x24 /* $ */) {
      this.pos++;
      type = this.marker();
      if (this.#bytes[this.pos] !== 0x23 /* # */) throw new UbjsonError('A typed container needs a count', this.pos);
    }
    if (this.#bytes[this.pos] === 0x23 /* # */) {
      this.pos++;
      count = this.length();
    }
    return { type, count };
  }

  array(): UbjValue {
    const { type, count } = this.header();
    if (type !== undefined && count !== undefined && type in SIZES && type !== 'C') return this.typedArray(type, count);
    const out: UbjValue[] = [];
    if (count !== undefined) {
      for (let i = 0; i < count; i++) out.push(type === undefined ? this.value() : this.typed(type));
      return out;
    }
    for (;;) {
      this.skipNoops();
      if (this.#bytes[this.pos] === 0x5d /* ] */) {
        this.pos++;
        return out;
      }
      out.push(this.value());
    }
  }

  typedArray(type: string, count: number): UbjValue {
    const size = SIZES[type];
    const end = this.pos + count * size;
    if (end > this.#bytes.length) throw new UbjsonError(`Typed array of ${count} elements runs past the end of data`, this.pos);
    const v = this.#view;
    let at = this.pos;
    this.pos = end;
    switch (type) {
      case 'U':
        return this.#bytes.slice(at, end);
      case 'i':
        return new Int8Array(this.#bytes.slice(at, end).buffer);
      case 'I': {
        const out = new Int16Array(count);
        for (let i = 0; i < count; i++, at += 2) out[i] = v.getInt16(at);
        return out;
      }
      case 'l': {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++, at += 4) out[i] = v.getInt32(at);
        return out;
      }
      case 'L': {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++, at += 8) out[i] = Number(v.getBigInt64(at));
        return out;
      }
      case 'd': {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++, at += 4) out[i] = v.getFloat32(at);
        return out;
      }
      default: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++, at += 8) out[i] = v.getFloat64(at);
        return out;
      }
    }
  }

  object(): UbjValue {
    const { type, count } = this.header();
    const out: Record<string, UbjValue> = {};
    const entry = (): void => {
      const key = this.string();
      // Keys like "__proto__" must not reach the prototype chain.
      Object.defineProperty(out, key, { value: type === undefined ? this.value() : this.typed(type), enumerable: true, writable: true, configurable: true });
    };
    if (count !== undefined) {
      for (let i = 0; i < count; i++) entry();
      return out;
    }
    for (;;) {
      this.skipNoops();
      if (this.#bytes[this.pos] === 0x7d /* } */) {
        this.pos++;
        return out;
      }
      entry();
    }
  }
}
