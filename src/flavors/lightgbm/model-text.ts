// Owns splitting LightGBM's text model format into its sections (header, trees, parameters, pandas_categorical), keeping line numbers.

/** A malformed or inconsistent model text; `line` (1-based) says where, when one line is to blame. */
export class LightGBMFormatError extends Error {
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'LightGBMFormatError';
    this.line = line;
  }
}

/** A `key=value` line. */
export interface Field {
  readonly value: string;
  /** 1-based line number. */
  readonly line: number;
}

/** The lines of one `Tree=N` block. */
export interface TreeBlock {
  /** Position in the file (0-based), which decides its iteration and class. */
  readonly index: number;
  /** Line of `Tree=N`. */
  readonly line: number;
  readonly fields: ReadonlyMap<string, Field>;
}

/** A model text cut into its parts; values still text. */
export interface ModelText {
  /** Header `key=value` lines (`version`, `num_class`, `objective`, `feature_names`, …); a bare key has value "". */
  readonly header: ReadonlyMap<string, Field>;
  readonly trees: readonly TreeBlock[];
  /** True when the `end of trees` line is present. */
  readonly endOfTrees: boolean;
  /** The `[key: value]` lines of the `parameters:` section, when present. */
  readonly parameters: ReadonlyMap<string, string>;
  /** JSON text after `pandas_categorical:` on one of the last two lines (Python's Booster reads it there). */
  readonly pandasCategorical?: Field;
  /** Number of lines, for messages about a truncated file. */
  readonly numLines: number;
}

/** Header keys whose values may themselves contain `=` (LightGBM reads the rest of the line). */
const RAW_VALUE_KEYS = new Set(['feature_names', 'monotone_constraints']);

/**
 * Splits a model text. Line ends may be `\n`, `\r\n` or `\r` (LightGBM's GetLine/SkipNewLine),
 * so files that passed through Windows tools read as well. Tree blocks are found by their
 * `Tree=` lines rather than by the byte offsets of `tree_sizes`, which `\r\n` would break.
 */
export function splitModelText(text: string): ModelText {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0].replace(/^\uFEFF/, '') !== 'tree') {
    throw new LightGBMFormatError(`expected the first line to be "tree" (LightGBM's text model format), found ${quote(lines[0] ?? '')}`, 1);
  }
  const header = new Map<string, Field>();
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('Tree=') || line === 'end of trees') break;
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      header.set(line, { value: '', line: i + 1 });
      continue;
    }
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (value.includes('=') && !RAW_VALUE_KEYS.has(key)) throw new LightGBMFormatError(`expected key=value, found ${quote(line)}`, i + 1);
    header.set(key, { value, line: i + 1 });
  }
  const trees: TreeBlock[] = [];
  for (; i < lines.length && lines[i].startsWith('Tree='); ) {
    const start = i;
    if (!/^Tree=\d+$/.test(lines[i])) throw new LightGBMFormatError(`expected Tree=<number>, found ${quote(lines[i])}`, i + 1);
    const fields = new Map<string, Field>();
    for (i++; i < lines.length && lines[i] !== '' && !lines[i].startsWith('Tree=') && lines[i] !== 'end of trees'; i++) {
      const eq = lines[i].indexOf('=');
      if (eq <= 0) throw new LightGBMFormatError(`expected key=value in tree ${trees.length}, found ${quote(lines[i])}`, i + 1);
      fields.set(lines[i].slice(0, eq), { value: lines[i].slice(eq + 1), line: i + 1 });
    }
    trees.push({ index: trees.length, line: start + 1, fields });
    while (i < lines.length && lines[i] === '') i++;
  }
  const endOfTrees = i < lines.length && lines[i] === 'end of trees';
  if (!endOfTrees && i < lines.length) {
    throw new LightGBMFormatError(`expected Tree=<number> or "end of trees", found ${quote(lines[i])}`, i + 1);
  }
  return { header, trees, endOfTrees, parameters: readParameters(lines, i), pandasCategorical: readPandasCategorical(lines), numLines: lines.length };
}

/** The `[key: value]` lines between `parameters:` and `end of parameters`. */
function readParameters(lines: readonly string[], from: number): Map<string, string> {
  const out = new Map<string, string>();
  const start = lines.indexOf('parameters:', from);
  if (start < 0) return out;
  for (let i = start + 1; i < lines.length && lines[i] !== 'end of parameters'; i++) {
    const m = /^\[([^:\]]+): ?(.*)\]$/.exec(lines[i]);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** Python's `_load_pandas_categorical`: the last line, else the one before it, when it starts with `pandas_categorical:`. */
function readPandasCategorical(lines: readonly string[]): Field | undefined {
  const key = 'pandas_categorical:';
  for (const at of [lines.length - 1, lines.length - 2]) {
    const line = (lines[at] ?? '').trim();
    if (line.startsWith(key)) return { value: line.slice(key.length), line: at + 1 };
  }
  return undefined;
}

/** A line quoted for a message, cut to 80 characters. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}
