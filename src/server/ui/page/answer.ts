// Owns showing an answer (browser code): status and latency, MLflow's error code and message, predictions as a table and as JSON, and the equivalent curl.

import { h, parseLoose, prettyJson } from './dom.js';
import type { Payload } from './editors.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_ROWS = 500;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  return typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)).replace(/,(?=\S)/g, ', ') : String(v);
}

/** Predictions as a table: records, values per row, rows of lists, or columns by name; undefined when they are not tabular. */
export function toTable(value: unknown): { columns: string[]; rows: unknown[][] } | undefined {
  if (Array.isArray(value)) {
    if (value.length && value.every(isObject)) {
      const columns = [...new Set(value.flatMap((r) => Object.keys(r)))];
      return { columns, rows: value.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])) };
    }
    if (value.length && value.every(Array.isArray)) {
      const width = Math.max(...value.map((r) => (r as unknown[]).length));
      return { columns: Array.from({ length: width }, (_, i) => String(i)), rows: value as unknown[][] };
    }
    return { columns: ['prediction'], rows: value.map((v) => [v]) };
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    const lists = keys.map((k) => value[k]);
    if (keys.length && lists.every(Array.isArray)) {
      const n = Math.max(...lists.map((l) => (l as unknown[]).length));
      return { columns: keys, rows: Array.from({ length: n }, (_, i) => lists.map((l) => (l as unknown[])[i])) };
    }
  }
  return undefined;
}

function table(value: unknown): HTMLElement {
  const t = toTable(value);
  if (!t) return h('p', { class: 'muted' }, 'This answer is not a table; see JSON.');
  const shown = t.rows.slice(0, MAX_ROWS);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid' },
      h('caption', { class: 'sr-only' }, 'Predictions'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), ...t.columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...shown.map((r, i) => h('tr', null, h('td', { class: 'muted' }, i), ...r.map((v) => h('td', { class: typeof v === 'number' ? 'num' : undefined }, cellText(v)))))),
    ),
    t.rows.length > MAX_ROWS ? h('p', { class: 'muted' }, `First ${MAX_ROWS} of ${t.rows.length} rows.`) : null,
  );
}

/** What came back from `/invocations`. */
export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
  readonly ms: number;
}

/** The parsed body of a 200 answer (undefined otherwise or when it is not JSON). */
export function parsedOk(a: Answer): unknown {
  if (a.status !== 200) return undefined;
  try {
    return parseLoose(a.text);
  } catch {
    return undefined;
  }
}

/** Renders an answer: the status line, then an MLflow error or the predictions (table and JSON views). */
export function renderAnswer(a: Answer, unwrap: boolean): HTMLElement {
  const ok = a.status >= 200 && a.status < 300;
  const status = h('p', { class: 'status-line' }, h('span', { class: `badge ${ok ? 'ok' : 'err'}` }, `${a.status} ${a.statusText}`), h('span', { class: 'latency' }, `${a.ms.toFixed(1)} ms`), h('span', { class: 'muted' }, `${a.text.length.toLocaleString()} bytes`));
  let parsed: unknown;
  let parsedOk = true;
  try {
    parsed = parseLoose(a.text);
  } catch {
    parsedOk = false;
  }
  if (!ok) {
    const e = parsedOk && isObject(parsed) ? parsed : undefined;
    const code = typeof e?.error_code === 'string' ? e.error_code : undefined;
    const message = typeof e?.message === 'string' ? e.message : typeof e?.detail === 'string' ? e.detail : a.text;
    return h(
      'div',
      { class: 'answer' },
      status,
      h('div', { class: 'error', role: 'alert' }, code ? h('p', { class: 'code' }, code) : null, h('pre', { class: 'message' }, message), typeof e?.stack_trace === 'string' ? h('details', null, h('summary', null, 'Stack trace'), h('pre', null, e.stack_trace)) : null),
    );
  }
  const predictions = parsedOk && unwrap && isObject(parsed) && 'predictions' in parsed ? parsed.predictions : parsed;
  const json = h('pre', { class: 'code json', tabindex: '0', 'aria-label': 'Answer as JSON' }, parsedOk ? prettyJson(parsed) : a.text);
  const tableView = parsedOk ? table(predictions) : h('p', null, a.text);
  json.hidden = true;
  const views = h('div', { class: 'views' }, tableView, json);
  const toggle = (showJson: boolean): void => {
    tableView.hidden = showJson;
    json.hidden = !showJson;
  };
  const radio = (value: string, label: string, checked: boolean): HTMLElement =>
    h('label', { class: 'seg' }, h('input', { type: 'radio', name: 'answer-view', value, checked, onchange: () => toggle(value === 'json') }), h('span', null, label));
  return h('div', { class: 'answer' }, status, h('fieldset', { class: 'segmented' }, h('legend', { class: 'sr-only' }, 'Show the answer as'), radio('table', 'Table', true), radio('json', 'JSON', false)), views);
}

/** Shell-quotes text in single quotes. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The curl command that sends the same request. */
export function curlCommand(url: string, payload: Payload): string {
  return `curl -s -X POST ${quote(url)} \\\n  -H ${quote(`Content-Type: ${payload.contentType}`)} \\\n  --data-binary ${quote(payload.text)}`;
}
