// Owns Python's insertion order for parsed objects whose keys JavaScript would reorder (integer-like keys).

// JavaScript objects list integer-like keys ("0", "7") first, in numeric order; Python dicts keep
// insertion order. Parsers record the source order of such objects here (see `recordKeyOrder`).
const KEY_ORDER = new WeakMap<object, string[]>();

/** True for keys that JavaScript orders before all others (canonical array indices). */
export function isIndexKey(k: string): boolean {
  const c = k.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || (c === 48 && k.length > 1) || k.length > 10) return false;
  for (let i = 1; i < k.length; i++) {
    const d = k.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(k) < 4294967295;
}

/** Records `keys` (mutable: the recorder may append) as the insertion order of `obj`. */
export function recordKeyOrder(obj: object, keys: string[]): void {
  KEY_ORDER.set(obj, keys);
}

/**
 * Own enumerable keys of `obj` in insertion order as Python would see it: the recorded source
 * order when one exists (keys deleted since are skipped, keys added since follow), else Object.keys.
 */
export function orderedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length === 0 || !isIndexKey(keys[0])) return keys;
  const recorded = KEY_ORDER.get(obj);
  if (!recorded) return keys;
  const own = new Set(keys);
  const out = recorded.filter((k) => own.delete(k));
  for (const k of own) out.push(k);
  return out;
}
