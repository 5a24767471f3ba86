// Owns Python's repr of scalars: floats, ints, str and bytes (shared by the container, numpy and pandas texts).

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python `repr(float)`: shortest round-trip digits, `1.0`, `1e-05`, `1e+16`, `nan`, `inf`, `-0.0`. */
export function floatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return 1 / x < 0 ? '-0.0' : '0.0';
  const a = x < 0 ? -x : x;
  // Python switches to exponent form below 1e-4 and from 1e16; JS only at 1e-7 / 1e21.
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x);
    return Number.isInteger(x) ? s + '.0' : s;
  }
  const s = x.toExponential(); // shortest round-trip digits, e.g. "1.5e-7"
  const e = s.indexOf('e');
  const digits = s.slice(e + 2);
  return s.slice(0, e) + 'e' + s[e + 1] + (digits.length < 2 ? '0' + digits : digits);
}

/**
 * Python text of a JS number: an int when integral, not float-marked and exactly representable
 * (|x| <= 2^53 - 1), otherwise a float (`floatRepr`).
 */
export function numberRepr(x: number, isFloat: boolean): string {
  if (!isFloat && Number.isSafeInteger(x) && !(x === 0 && 1 / x < 0)) return String(x);
  return floatRepr(x);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function pickQuote(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

/**
 * Python `repr(str)`: quotes chosen as Python does, `\n\t\r\\` escaped, non-printables as
 * `\xNN`/`\uNNNN`. With `max`, only the first `max` characters of the repr, as CPython's `%.200R`
 * in error messages (`invalid literal for int() ...`): a huge value never makes a huge message.
 */
export function strRepr(s: string, max = Infinity): string {
  const q = pickQuote(s.includes("'"), s.includes('"'));
  const out = quoted(s.length > max ? s.slice(0, max) : s, q);
  return out.length > max ? out.slice(0, max) : out;
}

function quoted(s: string, q: string): string {
  const qc = q.charCodeAt(0);
  let out = q;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string;
    if (c >= 0x20 && c < 0x7f) {
      if (c === 92) esc = '\\\\';
      else if (c === qc) esc = '\\' + q;
      else continue;
    } else if (c === 9) esc = '\\t';
    else if (c === 10) esc = '\\n';
    else if (c === 13) esc = '\\r';
    else if (c <= 0x7f) esc = '\\x' + hex(c, 2);
    else {
      const cp = s.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      if (!NON_PRINTABLE.test(s.slice(i, i + width))) {
        i += width - 1;
        continue;
      }
      esc = cp < 0x100 ? '\\x' + hex(cp, 2) : cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
      out += s.slice(run, i) + esc;
      i += width - 1;
      run = i + 1;
      continue;
    }
    out += s.slice(run, i) + esc;
    run = i + 1;
  }
  return out + s.slice(run) + q;
}

/** Python `repr(bytes)`: `b'...'` with `\xNN` for bytes outside printable ASCII. */
export function bytesRepr(b: Uint8Array): string {
  const q = pickQuote(b.includes(0x27), b.includes(0x22));
  let out = 'b' + q;
  for (const c of b) {
    if (c === 92) out += '\\\\';
    else if (c === q.charCodeAt(0)) out += '\\' + q;
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else out += '\\x' + hex(c, 2);
  }
  return out + q;
}
