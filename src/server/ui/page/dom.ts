// Owns the page's small DOM helpers (browser code): element creation with text only (never HTML), and the model description's types.

/** A child of `h()`: nodes and text; null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false;

type Attr = string | number | boolean | undefined | ((event: Event) => void);

/** Creates an element; `on*` attributes become listeners, booleans toggle attributes, text is always text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, Attr> | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

/** The element with this id (the page's markup guarantees it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** MLflow's JSON form of a type or spec (as in MLmodel files). */
export interface TypeJson {
  type: string;
  name?: string;
  required?: boolean;
  items?: TypeJson;
  values?: TypeJson;
  properties?: Record<string, TypeJson>;
  'tensor-spec'?: { dtype: string; shape: number[] };
}

/** A param spec in MLflow's JSON form. */
export interface ParamJson extends TypeJson {
  name: string;
  default: unknown;
  shape: number[] | null;
}

/** What `GET mlserve/model` answers. */
export interface ModelInfo {
  name: string;
  uri: string;
  version: string | null;
  flavor: string;
  engine: string;
  mlflowVersion: string | null;
  createdAt: string | null;
  signature: { inputs: TypeJson[] | null; outputs: TypeJson[] | null; params: ParamJson[] | null } | null;
  inputKind: 'columns' | 'tensors' | 'chat' | 'free';
  inputExample: unknown;
  inputExampleSource: 'model' | 'signature' | null;
  routes: { invocations: string; openapi: string; v2: string };
  server: { name: string; version: string };
}

/** A type as text: `double`, `Array(string)`, `{a: long}`, `Map(str -> double)`, `float32 [-1, 4]`. */
export function typeText(t: TypeJson): string {
  switch (t.type) {
    case 'array':
      return `Array(${t.items ? typeText(t.items) : 'any'})`;
    case 'map':
      return `Map(str -> ${t.values ? typeText(t.values) : 'any'})`;
    case 'object':
      return `{${Object.entries(t.properties ?? {}).map(([k, p]) => `${k}: ${typeText(p)}${p.required === false ? '?' : ''}`).join(', ')}}`;
    case 'tensor':
      return `${t['tensor-spec']?.dtype} [${t['tensor-spec']?.shape.join(', ')}]`;
    default:
      return t.type;
  }
}

/** Parses MLflow's JSON answers, whose numbers may be the bare tokens NaN, Infinity and -Infinity (kept as numbers). */
export function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m[0] === '"' ? m : `"\u0000${m}"`));
    return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v[0] === '\u0000' ? Number(v.slice(1)) : v));
  }
}

/** A scalar as JSON; NaN and infinities as MLflow's bare tokens. */
function scalarJson(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? 'null');
}

/** JSON with two-space indents, lists of scalars kept on one line (tensors stay readable). */
export function prettyJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map(scalarJson).join(', ')}]`;
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return scalarJson(value);
}
