// Owns the page's input editors (browser code): a typed row table for column signatures, a JSON editor, a chat box, CSV upload, and the params form.

import { h, type ParamJson, type TypeJson, typeText } from './dom.js';

/** A request body ready to send. */
export interface Payload {
  readonly contentType: string;
  readonly text: string;
}

/** One way to edit the input. */
export interface Editor {
  readonly el: HTMLElement;
  /** True when the params form applies (CSV and the JSON editor carry their own). */
  readonly usesParams: boolean;
  /** The body to send, with the params form's values. */
  payload(params: Record<string, unknown> | undefined): Payload;
  /** Called with the parsed answer of a successful request. */
  answered?(answer: unknown): void;
}

const JSON_TYPE = 'application/json';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;

/** An empty value of a column type (the cell of a new row). */
export function blank(t: TypeJson): unknown {
  if (t.type === 'boolean') return false;
  if (['integer', 'long', 'float', 'double'].includes(t.type)) return 0;
  if (t.type === 'datetime') return new Date().toISOString().slice(0, 19);
  if (t.type === 'array') return [];
  if (t.type === 'object' || t.type === 'map') return {};
  return t.type === 'any' ? null : '';
}

/** Rows in the columns' order from an example body (`dataframe_split`, `dataframe_records` or `inputs` by column). */
export function exampleRows(columns: readonly TypeJson[], body: unknown): unknown[][] {
  const names = columns.map((c) => c.name ?? '');
  const b = isObject(body) ? body : {};
  const split = b.dataframe_split;
  let records: Record<string, unknown>[] | undefined;
  if (isObject(split) && Array.isArray(split.columns) && Array.isArray(split.data)) {
    const cols = split.columns.map(String);
    records = split.data.filter(Array.isArray).map((r) => Object.fromEntries(cols.map((c, i) => [c, (r as unknown[])[i]])));
  } else if (Array.isArray(b.dataframe_records)) records = b.dataframe_records.filter(isObject);
  else if (isObject(b.inputs) && names.every((n) => n in (b.inputs as object))) {
    const inputs = b.inputs as Record<string, unknown>;
    const n = Math.max(...names.map((k) => (Array.isArray(inputs[k]) ? (inputs[k] as unknown[]).length : 1)));
    records = Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, Array.isArray(inputs[k]) ? (inputs[k] as unknown[])[i] : inputs[k]])));
  }
  const rows = (records ?? []).map((r) => columns.map((c) => (c.name! in r ? r[c.name!] : c.required === false ? null : blank(c))));
  return rows.length ? rows : [columns.map(blank)];
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Parses JSON typed into a cell or field; text that is not JSON is sent as it is, for the server to judge. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An input for one value of a type; `set` receives the new value. */
function valueInput(t: TypeJson, value: unknown, label: string, set: (v: unknown) => void): HTMLElement {
  const numeric = ['integer', 'long', 'float', 'double'].includes(t.type);
  if (t.type === 'boolean') return h('input', { type: 'checkbox', 'aria-label': label, checked: value === true, onchange: (e) => set((e.target as HTMLInputElement).checked) });
  if (t.type === 'binary') {
    const size = typeof value === 'string' ? Math.floor((value.replace(/=+$/, '').length * 3) / 4) : 0;
    const note = h('span', { class: 'muted' }, `${size} bytes`);
    const input = h('input', {
      type: 'file',
      'aria-label': `${label} (file, sent as base64)`,
      onchange: async (e) => {
        const file = (e.target as HTMLInputElement).files?.[0];
        if (!file) return;
        set(await readBase64(file));
        note.textContent = `${file.size} bytes`;
      },
    });
    return h('span', { class: 'file-cell' }, input, note);
  }
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const picker = t.type === 'datetime' && DATETIME_LOCAL.test(text);
  const type = numeric ? 'number' : picker ? 'datetime-local' : 'text';
  const step = t.type === 'integer' || t.type === 'long' ? '1' : numeric ? 'any' : picker ? '1' : undefined;
  return h('input', {
    type,
    step,
    value: picker && text.length === 10 ? `${text}T00:00:00` : text,
    'aria-label': label,
    class: numeric ? 'num' : undefined,
    spellcheck: 'false',
    oninput: (e) => {
      const raw = (e.target as HTMLInputElement).value;
      if (raw === '') return set(null);
      if (numeric) return set(Number(raw));
      if (picker) return set(raw.length === 16 ? `${raw}:00` : raw);
      set(['array', 'object', 'map', 'any'].includes(t.type) ? jsonOrText(raw) : raw);
    },
  });
}

/** The row table of a column signature: add and remove rows, one typed input per cell. */
export function tableEditor(columns: readonly TypeJson[], example: unknown): Editor & { rows(): unknown[][] } {
  let rows = exampleRows(columns, example);
  const body = h('tbody');
  const render = (): void => {
    body.replaceChildren(
      ...rows.map((row, r) =>
        h(
          'tr',
          null,
          ...columns.map((c, i) => h('td', null, valueInput(c, row[i], `${c.name}, row ${r + 1}`, (v) => (row[i] = v)))),
          h('td', null, h('button', { type: 'button', class: 'icon', 'aria-label': `Remove row ${r + 1}`, title: 'Remove row', disabled: rows.length === 1, onclick: () => ((rows = rows.filter((_, j) => j !== r)), render()) }, '×')),
        ),
      ),
    );
  };
  render();
  const head = h('tr', null, ...columns.map((c) => h('th', { scope: 'col' }, c.name ?? '', h('span', { class: 'type' }, `${typeText(c)}${c.required === false ? ' · optional' : ''}`))), h('th', null, h('span', { class: 'sr-only' }, 'Actions')));
  const el = h(
    'div',
    null,
    h('div', { class: 'scroll' }, h('table', { class: 'grid edit' }, h('caption', { class: 'sr-only' }, 'Input rows'), h('thead', null, head), body)),
    h('button', { type: 'button', class: 'ghost', onclick: () => ((rows = [...rows, columns.map(blank)]), render(), (body.lastElementChild?.querySelector('input') as HTMLInputElement | null)?.focus()) }, '+ Add row'),
  );
  return {
    el,
    usesParams: true,
    rows: () => rows,
    payload(params) {
      // An optional column left empty in every row is left out (a null would not fit integer columns).
      const keep = columns.map((c, i) => c.required !== false || rows.some((r) => r[i] !== null && r[i] !== undefined));
      const split = { columns: columns.filter((_, i) => keep[i]).map((c) => c.name), data: rows.map((r) => r.filter((_, i) => keep[i])) };
      return { contentType: JSON_TYPE, text: JSON.stringify({ dataframe_split: split, ...(params ? { params } : {}) }) };
    },
  };
}

/** A JSON editor of the whole request body. */
export function jsonEditor(initial: string): Editor & { set(text: string): void } {
  const area = h('textarea', { id: 'json-body', class: 'code', rows: 14, spellcheck: 'false', 'aria-describedby': 'json-help' });
  area.value = initial;
  const el = h('div', null, h('label', { for: 'json-body' }, 'Request body (JSON)'), area, h('p', { id: 'json-help', class: 'muted' }, 'Sent as it is: any MLflow envelope (dataframe_split, dataframe_records, instances, inputs) with params, or a unified LLM payload.'));
  return { el, usesParams: false, payload: () => ({ contentType: JSON_TYPE, text: area.value }), set: (text) => void (area.value = text) };
}

/** CSV upload: a file fills the text, which can be edited before sending (CSV carries no params). */
export function csvEditor(initial: string): Editor {
  const area = h('textarea', { id: 'csv-body', class: 'code', rows: 10, spellcheck: 'false' });
  area.value = initial;
  const file = h('input', {
    id: 'csv-file',
    type: 'file',
    accept: '.csv,text/csv',
    onchange: async (e) => {
      const f = (e.target as HTMLInputElement).files?.[0];
      if (f) area.value = await f.text();
    },
  });
  const el = h('div', null, h('label', { for: 'csv-file' }, 'CSV file'), file, h('label', { for: 'csv-body' }, 'CSV text (header line, then rows)'), area);
  return { el, usesParams: false, payload: () => ({ contentType: 'text/csv', text: area.value }) };
}

interface Message {
  role: string;
  content: string;
}

/** The assistant's text in an answer: OpenAI-style `choices[0].message.content`, first of a list, or a bare string. */
export function replyText(answer: unknown): string | undefined {
  const first = Array.isArray(answer) ? answer[0] : isObject(answer) && Array.isArray(answer.predictions) ? answer.predictions[0] : answer;
  if (typeof first === 'string') return first;
  const choice = isObject(first) && Array.isArray(first.choices) ? first.choices[0] : undefined;
  const message = isObject(choice) ? choice.message : undefined;
  return isObject(message) && typeof message.content === 'string' ? message.content : undefined;
}

/** A chat box: a conversation sent as a unified LLM payload (`messages` and params at the top level, spec §2.2). */
export function chatEditor(example: unknown): Editor {
  const history: Message[] = [];
  const seed = isObject(example) && Array.isArray(example.messages) ? (example.messages as Message[]) : [];
  const log = h('ol', { class: 'chat-log', 'aria-label': 'Conversation' });
  const system = h('input', { id: 'chat-system', type: 'text', placeholder: 'optional' });
  const box = h('textarea', { id: 'chat-input', rows: 3 });
  box.value = seed.filter((m) => m.role === 'user').map((m) => m.content).pop() ?? '';
  const show = (): void => {
    log.replaceChildren(...history.map((m) => h('li', { class: `msg ${m.role}` }, h('span', { class: 'role' }, m.role), h('span', { class: 'content' }, m.content))));
    log.hidden = history.length === 0;
  };
  show();
  const messages = (): Message[] => [...(system.value ? [{ role: 'system', content: system.value }] : []), ...history, { role: 'user', content: box.value }];
  const el = h(
    'div',
    { class: 'chat' },
    log,
    h('label', { for: 'chat-system' }, 'System prompt'),
    system,
    h('label', { for: 'chat-input' }, 'Message'),
    box,
    h('button', { type: 'button', class: 'ghost', onclick: () => ((history.length = 0), show()) }, 'New conversation'),
  );
  let pending: Message | undefined;
  return {
    el,
    usesParams: true,
    payload(params) {
      pending = { role: 'user', content: box.value };
      return { contentType: JSON_TYPE, text: JSON.stringify({ messages: messages(), ...(params ?? {}) }) };
    },
    answered(answer) {
      if (!pending) return;
      history.push(pending, { role: 'assistant', content: replyText(answer) ?? JSON.stringify(answer) });
      pending = undefined;
      box.value = '';
      show();
    },
  };
}

/** The params form: one field per declared param; an empty field sends nothing, so the default applies. */
export function paramsForm(params: readonly ParamJson[]): { el: HTMLElement; values(): Record<string, unknown> | undefined } {
  const values: Record<string, unknown> = {};
  const fields = params.map((p, i) => {
    const id = `param-${i}`;
    const shown = p.default === null || p.default === undefined ? '' : typeof p.default === 'object' ? JSON.stringify(p.default) : String(p.default);
    const label = h('label', { for: id }, p.name, h('span', { class: 'type' }, `${p.shape ? `${typeText(p)}[]` : typeText(p)} · default ${shown || 'none'}`));
    const set = (v: unknown): void => void (v === null || v === '' ? delete values[p.name] : (values[p.name] = v));
    let input: HTMLElement;
    if (p.type === 'boolean' && !p.shape) {
      input = h('select', { id, onchange: (e) => set(({ true: true, false: false } as Record<string, unknown>)[(e.target as HTMLSelectElement).value] ?? null) }, h('option', { value: '' }, `default (${shown})`), h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
    } else {
      const numeric = ['integer', 'long', 'float', 'double'].includes(p.type) && !p.shape;
      input = h('input', {
        id,
        type: numeric ? 'number' : 'text',
        step: p.type === 'integer' || p.type === 'long' ? '1' : numeric ? 'any' : undefined,
        placeholder: shown,
        spellcheck: 'false',
        oninput: (e) => {
          const raw = (e.target as HTMLInputElement).value;
          set(raw === '' ? null : numeric ? Number(raw) : p.shape || p.type === 'object' ? jsonOrText(raw) : raw);
        },
      });
    }
    return h('div', { class: 'field' }, label, input);
  });
  const el = h('fieldset', { class: 'params' }, h('legend', null, 'Params'), ...fields);
  return { el, values: () => (Object.keys(values).length ? { ...values } : undefined) };
}
