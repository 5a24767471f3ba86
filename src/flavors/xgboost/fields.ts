// Owns reading fields of a parsed XGBoost model document (JSON or UBJSON) into numbers and typed arrays.

/** A problem with the model document; the loader turns it into a ModelLoadError. */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

/** The object at `obj[key]`; throws when absent or not an object. */
export function objectAt(obj: unknown, key: string, where: string): Record<string, unknown> {
  const v = (obj as Record<string, unknown> | undefined)?.[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new ModelFormatError(`${where}.${key} is missing or not an object`);
  }
  return v as Record<string, unknown>;
}

/** A number stored as a number or, as XGBoost writes parameters, a string ("5E-1"). */
export function toNumber(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n) && v !== null) throw new ModelFormatError(`${where} is not a number: ${JSON.stringify(v)}`);
  return n;
}

/** An optional numeric parameter; `fallback` when absent. */
export function numberOr(obj: Record<string, unknown> | undefined, key: string, fallback: number, where: string): number {
  const v = obj?.[key];
  return v === undefined ? fallback : toNumber(v, `${where}.${key}`);
}

/**
 * A numeric array: a typed array (UBJSON) or a JSON array of numbers, null (XGBoost's NaN, see
 * parseXgbJson) or booleans (older JSON writes default_left as true/false). `undefined` when absent.
 */
export function numbersAt(obj: Record<string, unknown>, key: string, where: string): ArrayLike<number> | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<number>;
  if (!Array.isArray(v)) throw new ModelFormatError(`${where}.${key} is not an array`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = x === null ? NaN : typeof x === 'boolean' ? Number(x) : typeof x === 'number' ? x : toNumber(x, `${where}.${key}[${i}]`);
  }
  return out;
}

/** A required numeric array of at least `length` elements. */
export function requireNumbers(obj: Record<string, unknown>, key: string, length: number, where: string): ArrayLike<number> {
  const v = numbersAt(obj, key, where);
  if (v === undefined) throw new ModelFormatError(`${where}.${key} is missing`);
  if (v.length < length) throw new ModelFormatError(`${where}.${key} has ${v.length} elements, expected ${length}`);
  return v;
}

/** An array of strings (feature names or types); empty when absent. */
export function stringsAt(obj: Record<string, unknown>, key: string): string[] {
  const v = obj[key];
  return Array.isArray(v) ? v.map((s) => String(s)) : [];
}

/**
 * `base_score` as XGBoost writes it: "5E-1", or a bracketed list "[5E-1]" / "[1E0,2E0]" in
 * XGBoost 3 (one value per output). Values are float32, as XGBoost stores them.
 */
export function parseBaseScore(v: unknown, where: string): Float32Array {
  if (v === undefined) return Float32Array.of(0.5);
  if (typeof v === 'number') return Float32Array.of(v);
  const text = String(v).trim();
  const parts = text.startsWith('[') ? text.slice(1, -1).split(',') : [text];
  return Float32Array.from(parts.filter((p) => p.trim() !== '').map((p, i) => toNumber(p.trim(), `${where}[${i}]`)));
}
