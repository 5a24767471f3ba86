// Owns visiting an object tree: every value once (cycles and shared references included),
// iteratively, with a readable path to each (`Pipeline.steps[1][1].coef_`).

import { PyTreeError } from './errors.js';
import { NdArray } from './ndarray.js';
import { PyObject, PyPersistent, PySlice, type PyValue, isTuple } from './tree.js';

/** Called for each value; return false to skip its children. */
export type TreeVisitor = (value: PyValue, path: string) => boolean | void;

/**
 * Visits `root` and everything reachable from it once, depth-first, parents before children,
 * without recursion. Children of a record are its state's attributes (`.coef_`), its
 * `args` (`.__args__[0]`), list, dict and set items (`[0]`, `['key']`), and a class pickled by
 * value (`.__class__`); children of containers and object arrays are their items.
 */
export function walkTree(root: PyValue, visit: TreeVisitor, options: { rootPath?: string; maxNodes?: number } = {}): void {
  const maxNodes = options.maxNodes ?? 50_000_000;
  const seen = new Set<object>();
  const todo: [PyValue, string][] = [[root, options.rootPath ?? rootLabel(root)]];
  let nodes = 0;
  while (todo.length > 0) {
    const [value, path] = todo.pop()!;
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (++nodes > maxNodes) throw new PyTreeError(`The tree has more than ${maxNodes} values`, path);
    if (visit(value, path) === false) continue;
    const children = childrenOf(value, path);
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]);
  }
}

/** The classes of every record in the tree, each with the path of its first occurrence, sorted by name. */
export function listClasses(root: PyValue): Map<string, string> {
  const found = new Map<string, string>();
  walkTree(root, (value, path) => {
    if (value instanceof PyObject && !found.has(value.className)) found.set(value.className, path);
  });
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The label a path starts from: a record's short class name (`Pipeline`), else `root`. */
export function rootLabel(value: PyValue): string {
  if (!(value instanceof PyObject)) return 'root';
  const name = value.className.split(' ')[0];
  return name.slice(name.lastIndexOf('.') + 1);
}

/** `[0]`, `['key']`, or `[<tuple>]` for a key that is not a str or int. */
export function keyPath(key: PyValue): string {
  if (typeof key === 'string') return `['${key}']`;
  if (typeof key === 'number' || typeof key === 'bigint') return `[${key}]`;
  return `[<${key === null ? 'None' : isTuple(key) ? 'tuple' : typeof key}>]`;
}

/** The attributes of a record: its state dict, or both dicts of a `(dict, slots)` state. */
export function stateAttributes(obj: PyObject): Map<PyValue, PyValue> | undefined {
  const s = obj.state;
  if (s instanceof Map) return s;
  if (isTuple(s) && s.length === 2 && (s[0] instanceof Map || s[0] === null) && (s[1] instanceof Map || s[1] === null)) {
    return new Map([...((s[0] as Map<PyValue, PyValue>) ?? []), ...((s[1] as Map<PyValue, PyValue>) ?? [])]);
  }
  return undefined;
}

function childrenOf(value: PyValue, path: string): [PyValue, string][] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.map((v, i) => [v, `${path}[${i}]`]);
  if (value instanceof Map) return [...value].flatMap(([k, v]): [PyValue, string][] => [[k, `${path}{key}`], [v, `${path}${keyPath(k)}`]]);
  if (value instanceof Set) return [...value].map((v, i) => [v, `${path}{${i}}`]);
  if (value instanceof NdArray) return value.dtype.kind === 'O' ? (value.data as PyValue[]).map((v, i) => [v, `${path}[${i}]`]) : [];
  if (value instanceof PySlice) return [[value.start, `${path}.start`], [value.stop, `${path}.stop`], [value.step, `${path}.step`]];
  if (value instanceof PyPersistent) return [[value.id, `${path}.id`]];
  if (!(value instanceof PyObject)) return [];
  const out: [PyValue, string][] = [];
  if (value.callable instanceof PyObject) out.push([value.callable, `${path}.__class__`]);
  value.args.forEach((v, i) => out.push([v, `${path}.__args__[${i}]`]));
  if (value.kwargs) for (const [k, v] of value.kwargs) out.push([v, `${path}.__kwargs__${keyPath(k)}`]);
  const attrs = stateAttributes(value);
  if (attrs) for (const [k, v] of attrs) out.push([v, typeof k === 'string' ? `${path}.${k}` : `${path}.__dict__${keyPath(k)}`]);
  else if (value.state !== undefined) out.push([value.state, `${path}.__state__`]);
  value.listItems?.forEach((v, i) => out.push([v, `${path}[${i}]`]));
  if (value.dictItems) for (const [k, v] of value.dictItems) out.push([v, `${path}${keyPath(k)}`]);
  value.setItems?.forEach((v, i) => out.push([v, `${path}{${i}}`]));
  return out;
}
