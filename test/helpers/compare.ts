// Test helper: compare JSON answers the way the conformance README says (float32 tolerance, NaN == NaN, int/float kind).

import { parseJson } from '../../src/codecs/json-parse.js';
import { isFloatAt } from '../../src/data/float-hint.js';

/** Keys that only make sense in Python and are ignored when comparing. */
export const IGNORED_KEYS = new Set(['input_type', 'param_types', 'stack_trace']);

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Returns a path and reason where `actual` differs from `expected`, or undefined when equal. */
export function diffJson(expected: unknown, actual: unknown, path = '$', ctx?: [object, object, string | number]): string | undefined {
  if (typeof expected === 'number' || typeof expected === 'bigint') {
    if (typeof actual !== 'number' && typeof actual !== 'bigint') return `${path}: expected number, got ${JSON.stringify(String(actual))}`;
    if (!close(Number(expected), Number(actual))) return `${path}: expected ${String(expected)}, got ${String(actual)}`;
    if (typeof expected === 'bigint' || typeof actual === 'bigint') {
      const exact = (v: number | bigint): bigint | undefined => (typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : undefined);
      if (exact(expected) !== exact(actual)) return `${path}: expected ${expected}, got ${actual}`;
    }
    if (ctx && typeof expected === 'number' && typeof actual === 'number') {
      const ef = isFloatAt(ctx[0], ctx[2], expected);
      const af = isFloatAt(ctx[1], ctx[2], actual);
      if (ef !== af) return `${path}: expected a ${ef ? 'float' : 'int'} (${expected}), got ${af ? 'float' : 'int'} (${actual})`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected list, got ${JSON.stringify(actual)}`;
    if (expected.length !== actual.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = diffJson(expected[i], actual[i], `${path}[${i}]`, [expected, actual, i]);
      if (d) return d;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected object, got ${JSON.stringify(actual)}`;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const ek = Object.keys(e).filter((k) => !IGNORED_KEYS.has(k));
    const ak = Object.keys(a).filter((k) => !IGNORED_KEYS.has(k));
    if (ek.join('\u0000') !== ak.join('\u0000')) return `${path}: expected keys ${JSON.stringify(ek)}, got ${JSON.stringify(ak)}`;
    for (const k of ek) {
      const d = diffJson(e[k], a[k], `${path}.${k}`, [e, a, k]);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Parses a JSON answer that may hold NaN/Infinity tokens. */
export function parseAnswer(text: string): unknown {
  return parseJson(text);
}
