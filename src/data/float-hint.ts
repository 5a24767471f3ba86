// Owns the marks that keep Python's int/float distinction for plain JavaScript numbers.
//
// MLflow treats the JSON literals `1` (int) and `1.0` (float) differently and echoes them back
// differently (spec §2.1, §4.3). JavaScript has one number type, so an integral number is printed
// as an int unless its container marks that slot as a float. Marks live in a WeakMap keyed by the
// container (object or array), so they cost nothing for non-integral values and vanish with it.

const HINTS = new WeakMap<object, Set<string | number>>();

/** Marks `container[key]` as a float (only meaningful for integral values). */
export function markFloat(container: object, key: string | number): void {
  let keys = HINTS.get(container);
  if (!keys) HINTS.set(container, (keys = new Set()));
  keys.add(key);
}

/** True when `container[key]` was marked as a float. */
export function isMarkedFloat(container: object, key: string | number): boolean {
  const keys = HINTS.get(container);
  return keys !== undefined && keys.has(key);
}

/** True when `container` has any float marks. */
export function hasFloatMarks(container: object): boolean {
  return HINTS.has(container);
}

/** Sets `container[key] = value` and marks it a float when the value is integral. */
export function setFloat(container: Record<string, unknown> | unknown[], key: string | number, value: number): void {
  (container as Record<string | number, unknown>)[key] = value;
  if (Number.isInteger(value) || Object.is(value, -0)) markFloat(container, key);
}

/**
 * True when the number stored at `container[key]` is a Python float: non-integral, non-finite,
 * negative zero, or marked.
 */
export function isFloatAt(container: object, key: string | number, value: number): boolean {
  return !Number.isInteger(value) || Object.is(value, -0) || isMarkedFloat(container, key);
}

/**
 * Carries the float mark of `from[fromKey]` over to `to[toKey]`, for code that moves a parsed
 * value into a new container (the caller moves the value itself).
 */
export function copyFloatMark(from: object, fromKey: string | number, to: object, toKey: string | number): void {
  if (isMarkedFloat(from, fromKey)) markFloat(to, toKey);
}
