// Owns the page that tries the model (browser code): reads the model description, builds the editors from the signature, sends, shows the answer.

import { byId, h, prettyJson, typeText, type ModelInfo, type TypeJson } from './dom.js';
import { chatEditor, csvEditor, jsonEditor, paramsForm, tableEditor, type Editor, type Payload } from './editors.js';
import { curlCommand, parsedOk, renderAnswer } from './answer.js';

type Mode = 'table' | 'chat' | 'json' | 'csv';

/** Resolves a route of the model against the page's own address (the page calls nothing else). */
const url = (path: string): string => new URL(path.replace(/^\//, ''), document.baseURI).href;

/** CSV text of rows under a header, quoted as pandas writes it. */
function toCsv(columns: readonly string[], rows: readonly unknown[][]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** CSV of the example: the table's rows, or tensor rows (numbered columns for an unnamed 2-D tensor, JSON list cells for named ones). */
function exampleCsv(info: ModelInfo, rows: unknown[][] | undefined): string {
  const inputs = info.signature?.inputs ?? [];
  if (rows) return toCsv(inputs.map((c) => c.name ?? ''), rows);
  const body = info.inputExample as Record<string, unknown> | null;
  const value = body?.inputs;
  const named = inputs.length > 0 && inputs.every((s) => s.name);
  const byName: Record<string, unknown> | undefined = Array.isArray(value) ? (named ? { [inputs[0].name!]: value } : undefined) : (value as Record<string, unknown> | undefined);
  if (byName && typeof byName === 'object') {
    const names = Object.keys(byName).filter((k) => Array.isArray(byName[k]));
    const n = Math.max(0, ...names.map((k) => (byName[k] as unknown[]).length));
    return names.length ? toCsv(names, Array.from({ length: n }, (_, i) => names.map((k) => (byName[k] as unknown[])[i]))) : '';
  }
  if (Array.isArray(value) && value.every(Array.isArray)) {
    const width = Math.max(0, ...(value as unknown[][]).map((r) => r.length));
    return toCsv(Array.from({ length: width }, (_, i) => String(i)), value as unknown[][]);
  }
  return '';
}

function metaList(info: ModelInfo): HTMLElement {
  const item = (term: string, value: string | null): HTMLElement | null => (value ? h('div', null, h('dt', null, term), h('dd', null, value)) : null);
  return h(
    'dl',
    { class: 'meta' },
    item('URI', info.uri),
    item('Flavor', info.flavor),
    item('Engine', info.engine),
    item('Version', info.version ?? '—'),
    item('MLflow', info.mlflowVersion),
    item('Created', info.createdAt),
    item('Server', `${info.server.name} ${info.server.version}`),
  );
}

function specTable(caption: string, specs: readonly TypeJson[] | null | undefined, params = false): HTMLElement | null {
  if (!specs?.length) return null;
  const head = params ? ['Name', 'Type', 'Default'] : ['Name', 'Type', 'Required'];
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid sig' },
      h('caption', null, caption),
      h('thead', null, h('tr', null, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        ...specs.map((s) => {
          const p = s as TypeJson & { default?: unknown; shape?: number[] | null };
          const third = params ? JSON.stringify(p.default ?? null) : s.type === 'tensor' ? 'yes' : s.required === false ? 'no' : 'yes';
          return h('tr', null, h('td', null, h('code', null, s.name ?? '(unnamed)')), h('td', null, `${typeText(s)}${params && p.shape ? '[]' : ''}`), h('td', null, third));
        }),
      ),
    ),
  );
}

function showModel(info: ModelInfo): void {
  document.title = `${info.name} · mlserve`;
  byId('model-name').textContent = info.name;
  const sig = info.signature;
  const parts: (Node | null)[] = [
    h('h2', { id: 'model-h' }, 'Model'),
    metaList(info),
    sig ? h('div', { class: 'sig-tables' }, specTable('Inputs', sig.inputs), specTable('Outputs', sig.outputs), specTable('Params', sig.params, true)) : h('p', { class: 'muted' }, 'No signature: the model takes any input.'),
    info.inputExample !== null
      ? h('details', null, h('summary', null, info.inputExampleSource === 'model' ? 'Input example (from the model)' : 'Input example (built from the signature)'), h('pre', { class: 'code' }, prettyJson(info.inputExample)))
      : null,
  ];
  byId('model').replaceChildren(...parts.filter((p): p is Node => p !== null));
}

/** Sets up the request and answer panels for the model. */
function setUp(info: ModelInfo): void {
  const columns = info.inputKind === 'columns' ? (info.signature?.inputs ?? []) : [];
  const table = columns.length ? tableEditor(columns, info.inputExample) : undefined;
  const params = paramsForm(info.signature?.params ?? []);
  const exampleText = info.inputExample === null ? '{"inputs": []}' : prettyJson(info.inputExample);
  const json = jsonEditor(exampleText);
  const editors: Partial<Record<Mode, Editor>> = { json, csv: csvEditor(exampleCsv(info, table?.rows())) };
  if (table) editors.table = table;
  if (info.inputKind === 'chat') editors.chat = chatEditor(info.inputExample);
  const labels: Record<Mode, string> = { table: 'Table', chat: 'Chat', json: 'JSON', csv: 'CSV' };
  const modes = (['chat', 'table', 'json', 'csv'] as Mode[]).filter((m) => editors[m]);
  let mode: Mode = modes[0];
  const host = byId('editor');
  const switchTo = (m: Mode): void => {
    // The JSON editor picks up what the table holds, so a table edit can be refined as JSON.
    if (m === 'json' && mode === 'table' && table) json.set(prettyJson(JSON.parse(table.payload(params.values()).text)));
    mode = m;
    host.replaceChildren(editors[m]!.el);
    params.el.hidden = !editors[m]!.usesParams || !(info.signature?.params?.length);
  };
  byId('modes').replaceChildren(
    h('legend', { class: 'sr-only' }, 'Input editor'),
    ...modes.map((m) => h('label', { class: 'seg' }, h('input', { type: 'radio', name: 'mode', value: m, checked: m === mode, onchange: () => switchTo(m) }), h('span', null, labels[m]))),
  );
  byId('params-host').replaceChildren(params.el);
  switchTo(mode);

  const send = byId<HTMLButtonElement>('send');
  const result = byId('result');
  const curl = byId('curl');
  const target = url(info.routes.invocations);
  const run = async (): Promise<void> => {
    const editor = editors[mode]!;
    let payload: Payload;
    try {
      payload = editor.payload(editor.usesParams ? params.values() : undefined);
    } catch (err) {
      result.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('pre', { class: 'message' }, String(err))));
      return;
    }
    curl.textContent = curlCommand(target, payload);
    send.disabled = true;
    result.setAttribute('aria-busy', 'true');
    const started = performance.now();
    try {
      const res = await fetch(target, { method: 'POST', headers: { 'content-type': payload.contentType }, body: payload.text });
      const text = await res.text();
      const answer = { status: res.status, statusText: res.statusText, text, ms: performance.now() - started };
      result.replaceChildren(renderAnswer(answer, true));
      const ok = parsedOk(answer);
      if (ok !== undefined) editor.answered?.(ok);
    } catch (err) {
      result.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', { class: 'code' }, 'Network error'), h('pre', { class: 'message' }, String(err))));
    } finally {
      send.disabled = false;
      result.removeAttribute('aria-busy');
    }
  };
  send.addEventListener('click', () => void run());
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !send.disabled) {
      e.preventDefault();
      void run();
    }
  });
  byId<HTMLButtonElement>('copy-curl').addEventListener('click', () => void navigator.clipboard?.writeText(curl.textContent ?? ''));
  curl.textContent = curlCommand(target, editors[mode]!.payload(editors[mode]!.usesParams ? params.values() : undefined));
  byId('request').hidden = false;
  byId('response').hidden = false;
}

/** Reads the model description, waiting while the model loads. */
async function start(): Promise<void> {
  const status = byId('status');
  for (;;) {
    try {
      const res = await fetch(url('mlserve/model'), { headers: { accept: 'application/json' } });
      if (res.ok) {
        const info = (await res.json()) as ModelInfo;
        status.textContent = 'ready';
        status.className = 'badge ok';
        showModel(info);
        setUp(info);
        return;
      }
      status.textContent = res.status === 503 ? 'loading' : `error ${res.status}`;
    } catch {
      status.textContent = 'unreachable';
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

void start();
