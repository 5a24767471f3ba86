// Owns reading numbers as LightGBM's model loader reads them: exact doubles, strict integers, and its own Atof for objective settings.

/** A decimal number as LightGBM writes it (`%.17g`, `fmt`), with or without fraction or exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** strtod's spellings of infinity and NaN, which LightGBM writes for infinite thresholds (`inf`). */
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * A double exactly as LightGBM's `AtofPrecise` (fast_double_parser, then strtod) reads it:
 * correctly rounded decimals, `inf`/`-inf`/`infinity`, `nan`. Anything else is NaN-free
 * `undefined`, so callers can report the token.
 */
export function parseDouble(token: string): number | undefined {
  if (DECIMAL.test(token)) return Number(token);
  const m = SPECIAL.exec(token);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** A whole decimal integer within the safe integer range, or undefined. */
export function parseInteger(token: string): number | undefined {
  if (!/^[+-]?\d{1,15}$/.test(token)) return undefined;
  return Number(token);
}

/**
 * LightGBM's `Common::Atof`, the fast, less precise parser its objectives use for their
 * settings (`sigmoid:1` in `objective=binary sigmoid:1`): digits accumulated in doubles, the
 * fraction divided by `Pow(10, n)`, the exponent applied by repeated products. Reproduced so
 * that an unusual setting (`sigmoid:0.7`) gives LightGBM's bits, not the correctly rounded value.
 * Returns undefined for text LightGBM rejects ("Unknown token").
 */
export function lightgbmAtof(text: string): number | undefined {
  let p = 0;
  while (text[p] === ' ') p++;
  let sign = 1;
  if (text[p] === '-') {
    sign = -1;
    p++;
  } else if (text[p] === '+') {
    p++;
  }
  const isDigit = (i: number): boolean => i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
  const c = text[p];
  if (isDigit(p) || c === '.' || c === 'e' || c === 'E') {
    let value = 0;
    for (; isDigit(p); p++) value = value * 10 + (text.charCodeAt(p) - 48);
    if (text[p] === '.') {
      let right = 0;
      let digits = 0;
      for (p++; isDigit(p); p++, digits++) right = text.charCodeAt(p) - 48 + right * 10;
      value += right / lightgbmPow(10, digits);
    }
    let divide = false;
    let scale = 1;
    if (text[p] === 'e' || text[p] === 'E') {
      p++;
      if (text[p] === '-') {
        divide = true;
        p++;
      } else if (text[p] === '+') {
        p++;
      }
      let exponent = 0;
      // uint32 arithmetic, as in LightGBM; capped at 308 afterwards.
      for (; isDigit(p); p++) exponent = (Math.imul(exponent, 10) + (text.charCodeAt(p) - 48)) >>> 0;
      if (exponent > 308) exponent = 308;
      for (; exponent >= 50; exponent -= 50) scale *= 1e50;
      for (; exponent >= 8; exponent -= 8) scale *= 1e8;
      for (; exponent > 0; exponent--) scale *= 10;
    }
    return sign * (divide ? value / scale : value * scale);
  }
  const word = /^[^ \t,\n\r:]*/.exec(text.slice(p))![0].toLowerCase();
  if (word === 'na' || word === 'nan' || word === 'null') return NaN;
  if (word === 'inf' || word === 'infinity') return sign * 1e308;
  return undefined;
}

/** LightGBM's `Common::Pow`: squares, cubes and products, in its order (the rounding differs from Math.pow). */
function lightgbmPow(base: number, power: number): number {
  if (power < 0) return 1 / lightgbmPow(base, -power);
  if (power === 0) return 1;
  if (power % 2 === 0) return lightgbmPow(base * base, power / 2);
  if (power % 3 === 0) return lightgbmPow(base * base * base, power / 3);
  return base * lightgbmPow(base, power - 1);
}
