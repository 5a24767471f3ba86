// Owns CSV tokenizing as pandas' C tokenizer does it with read_csv defaults: text -> records of fields.
//
// Rules (pandas/_libs/src/parser/tokenizer.c, default options): `,` separates fields; a field that
// *starts* with `"` is quoted (`""` is a literal quote, commas and line breaks are kept, text after
// the closing quote is appended up to the next delimiter); a quote elsewhere is literal; `\n`,
// `\r\n` and a lone `\r` end a record; lines holding only spaces/tabs are skipped; a UTF-8 BOM at
// the very start is dropped. Line breaks inside quotes do not count in pandas' line numbers.

import { CsvParseError } from './_csv-error.js';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;

/** One record (row) of a CSV text. */
export interface CsvRecord {
  /** Field texts, quotes removed. */
  readonly fields: string[];
  /** 1-based physical line on which the record starts. */
  readonly line: number;
  /** 1-based line as pandas counts lines (breaks inside quoted fields not counted); used in its messages. */
  readonly pandasLine: number;
}

/** Where tokenizing starts and whether more text follows (for chunked reading). */
export interface TokenizeCsvOptions {
  /**
   * False when more text follows: a record not yet ended by a line break (or ending in `\r`, which
   * may be half of `\r\n`) is left unconsumed so it can be prepended to the next chunk.
   * @default true
   */
  final?: boolean;
  /** Physical line number of the text's first character; a BOM is only dropped on line 1. @default 1 */
  line?: number;
  /** pandas' line number of the text's first character. @default 1 */
  pandasLine?: number;
}

/** Records of a text, and where to resume. */
export interface CsvTokens {
  /** Records in order, blank lines skipped. */
  records: CsvRecord[];
  /** Characters consumed; with `final: false` the rest belongs to the next chunk. */
  consumed: number;
  /** Physical line number at `consumed`. */
  line: number;
  /** pandas' line number at `consumed`. */
  pandasLine: number;
}

/** Index of the first `,`, `\n` or `\r` at or after `from` (text.length when none). */
function fieldEnd(text: string, from: number, n: number): number {
  let e = from;
  while (e < n) {
    const c = text.charCodeAt(e);
    if (c === COMMA || c === LF || c === CR) break;
    e++;
  }
  return e;
}

/**
 * Splits CSV text into records (the header is simply the first one). Throws CsvParseError
 * `Error tokenizing data. C error: EOF inside string starting at row N` for an unclosed quote
 * when `final` (N is pandas' 0-based line of the record).
 */
export function tokenizeCsv(text: string, options: TokenizeCsvOptions = {}): CsvTokens {
  const final = options.final ?? true;
  const n = text.length;
  let line = options.line ?? 1;
  let pline = options.pandasLine ?? 1;
  let i = line === 1 && pline === 1 && n > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
  let consumed = i;
  const records: CsvRecord[] = [];

  outer: while (i < n) {
    let c = text.charCodeAt(i);
    if (c === LF || c === CR || c === SPACE || c === TAB) {
      // skip_blank_lines: an empty line, or one of spaces and tabs only, is no record.
      let j = i;
      while (j < n && ((c = text.charCodeAt(j)) === SPACE || c === TAB)) j++;
      if (j >= n) {
        if (final) consumed = i = n;
        break;
      }
      if (c === LF || c === CR) {
        if (c === CR && j + 1 >= n && !final) break;
        i = j + 1;
        // pandas (EAT_CRNL_NOP) swallows a "\n" or a delimiter right after a blank line's "\r".
        const d = c === CR && i < n ? text.charCodeAt(i) : -1;
        if (d === LF || d === COMMA) i++;
        line++;
        pline++;
        consumed = i;
        continue;
      }
      // Otherwise the record starts at i, leading blanks included.
    }

    const recLine = line;
    const fields: string[] = [];
    let pos = i;
    for (;;) {
      let value: string;
      if (pos < n && text.charCodeAt(pos) === QUOTE) {
        let start = pos + 1;
        let k = start;
        value = '';
        for (;;) {
          while (k < n) {
            const ch = text.charCodeAt(k);
            if (ch === QUOTE) break;
            if (ch === LF || (ch === CR && (k + 1 >= n || text.charCodeAt(k + 1) !== LF))) line++;
            k++;
          }
          if (k >= n) {
            if (!final) {
              line = recLine;
              break outer;
            }
            throw new CsvParseError(`Error tokenizing data. C error: EOF inside string starting at row ${pline - 1}`, {
              line: recLine,
            });
          }
          value += text.slice(start, k);
          k++;
          if (k < n && text.charCodeAt(k) === QUOTE) {
            value += '"';
            start = ++k;
            continue;
          }
          break;
        }
        const e = fieldEnd(text, k, n);
        if (e > k) value += text.slice(k, e);
        pos = e;
      } else {
        const e = fieldEnd(text, pos, n);
        value = text.slice(pos, e);
        pos = e;
      }
      fields.push(value);

      if (pos < n && text.charCodeAt(pos) === COMMA) {
        pos++;
        if (pos < n) continue;
        fields.push(''); // "a," at EOF: the empty last field
      }
      if (pos >= n) {
        if (!final) {
          line = recLine;
          break outer;
        }
        records.push({ fields, line: recLine, pandasLine: pline });
        consumed = i = n;
        break outer;
      }
      if (text.charCodeAt(pos) === LF) {
        pos++;
      } else {
        if (pos + 1 >= n && !final) {
          line = recLine;
          break outer;
        }
        pos++;
        if (pos < n && text.charCodeAt(pos) === LF) pos++;
      }
      records.push({ fields, line: recLine, pandasLine: pline });
      line++;
      pline++;
      consumed = i = pos;
      continue outer;
    }
  }
  return { records, consumed, line, pandasLine: pline };
}
