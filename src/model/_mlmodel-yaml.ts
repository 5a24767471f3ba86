// Owns a fast reader of the YAML that MLflow writes for MLmodel files (PyYAML's block style), so a server start need not load the `yaml` package (~60-150 ms to import and warm).
//
// It reads only what PyYAML's safe_dump writes for MLmodel files: block mappings and block
// sequences (items at the mapping's indentation or deeper), plain scalars, single-quoted scalars
// folded over several lines, simple double-quoted scalars, `{}` and `[]`. Scalars resolve as the
// `yaml` package's default (YAML 1.2 core) schema does. Anything else (anchors, tags, flow
// collections with content, block scalars, comments, tabs, unusual numbers) returns undefined and
// the caller parses the file with the `yaml` package: this reader never guesses.

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
}

/** Thrown inside the reader when the text leaves the subset; caught by parseMlflowYaml. */
class Unsupported extends Error {}

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_.\-/ ]*?):(?: |$)/;
/** Characters a plain scalar may not start with (YAML 1.2 §7.3.3 indicators) or that need the full parser. */
const SPECIAL_START = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** The value of one plain scalar, as the core schema resolves it. */
function plainScalar(text: string): unknown {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (INT.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new Unsupported('large integer');
    return n;
  }
  if (FLOAT.test(text)) return Number(text);
  if (SPECIAL_START.test(text) || text.includes(' #') || text.includes(': ') || text.endsWith(':') || /^\.(?:inf|nan)$/i.test(text.replace(/^[-+]/, '')) || /^0[ox]/i.test(text)) {
    throw new Unsupported(`plain scalar ${text}`);
  }
  return text;
}

/** A single-quoted scalar starting on lines[i] (after `start` characters); returns it and the next line index. */
function singleQuoted(lines: readonly Line[], i: number, first: string): [string, number] {
  // Folding (YAML 1.2 §7.3.2 via §6.5): a line break between text becomes a space; each empty line a newline.
  let out = '';
  let text = first.slice(1);
  let pendingBreaks = -1;
  for (;;) {
    let j = 0;
    let chunk = '';
    let closed = false;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === "'") {
        if (text[j + 1] === "'") {
          chunk += "'";
          j++;
          continue;
        }
        closed = true;
        break;
      }
      chunk += c;
    }
    if (pendingBreaks >= 0) out += pendingBreaks === 0 ? ' ' : '\n'.repeat(pendingBreaks);
    out += closed ? chunk : chunk.replace(/ +$/, '');
    if (closed) {
      if (text.slice(j + 1).trim() !== '') throw new Unsupported('text after a quoted scalar');
      return [out, i + 1];
    }
    i++;
    pendingBreaks = 0;
    while (i < lines.length && lines[i]!.text === '') {
      pendingBreaks++;
      i++;
    }
    if (i >= lines.length) throw new Unsupported('unterminated quoted scalar');
    text = lines[i]!.text;
  }
}

/** A double-quoted scalar on one line, with the escapes JSON also has. */
function doubleQuoted(text: string): string {
  if (!/^"(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/.test(text)) throw new Unsupported('double-quoted scalar');
  return JSON.parse(text) as string;
}

/** The value written after `key:` (or `- `) on the same line, when it is a scalar. */
function inlineValue(lines: readonly Line[], i: number, text: string): [unknown, number] {
  if (text === '{}') return [{}, i + 1];
  if (text === '[]') return [[], i + 1];
  if (text.startsWith("'")) return singleQuoted(lines, i, text);
  if (text.startsWith('"')) return [doubleQuoted(text), i + 1];
  return [plainScalar(text), i + 1];
}

/** The block node (mapping or sequence) whose lines are indented `indent`, from lines[i]. */
function block(lines: readonly Line[], i: number, indent: number): [unknown, number] {
  const first = lines[i]!;
  if (first.text.startsWith('- ') || first.text === '-') return sequence(lines, i, indent);
  return mapping(lines, i, indent);
}

function sequence(lines: readonly Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-')) {
    const rest = lines[i]!.text.slice(2);
    if (rest === '' || KEY.test(rest) || rest.startsWith('- ')) throw new Unsupported('nested collection in a sequence item');
    const [v, next] = inlineValue(lines, i, rest);
    out.push(v);
    i = next;
  }
  return [out, i];
}

function mapping(lines: readonly Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const { text } = lines[i]!;
    const m = KEY.exec(text);
    if (!m) throw new Unsupported(`line ${text}`);
    const key = m[1]!;
    if (key.endsWith(' ') || Object.hasOwn(out, key) || key === '__proto__') throw new Unsupported('key');
    const rest = text.slice(m[0].length);
    if (rest !== '') {
      const [v, next] = inlineValue(lines, i, rest);
      out[key] = v;
      i = next;
      continue;
    }
    i++;
    const child = lines[i];
    // PyYAML writes a sequence under a key at the key's own indentation.
    if (child && (child.indent > indent || (child.indent === indent && (child.text.startsWith('- ') || child.text === '-')))) {
      const [v, next] = block(lines, i, child.indent);
      out[key] = v;
      i = next;
    } else out[key] = null;
  }
  return [out, i];
}

/**
 * The document MLflow wrote, or undefined when the text uses YAML beyond what MLflow's MLmodel
 * files use (the caller then parses it with the `yaml` package).
 */
export function parseMlflowYaml(text: string): unknown {
  if (text.includes('\t') || text.includes('\r') || /^(?:%|---|\.\.\.)/m.test(text) || /^\s*#/m.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const trimmed = raw.replace(/ +$/, '');
    const body = trimmed.trimStart();
    lines.push({ indent: trimmed.length - body.length, text: body });
  }
  while (lines.length > 0 && lines[lines.length - 1]!.text === '') lines.pop();
  // Blank lines are kept only inside quoted scalars (where they fold); elsewhere they need the full parser.
  try {
    if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
    const [doc, next] = mapping(lines, 0, 0);
    return next === lines.length ? doc : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
