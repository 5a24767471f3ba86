// Owns datetime64[ns] values: parsing ISO-8601 text the way pandas does, and printing isoformat().

import { NAT } from './dtype.js';

const NS_PER_MS = 1_000_000n;
const ISO =
  /^\s*([+-]?\d{4,})-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?\s*$/i;
const COMPACT = /^\s*(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?\s*$/;

/** Days from 1970-01-01 to the given proleptic Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Result of parsing: nanoseconds since the epoch, and whether the text held only a date. */
export interface ParsedDatetime {
  ns: bigint;
  dateOnly: boolean;
  /** The year as written (may lie outside what datetime64[ns] holds). */
  year: number;
}

/** Earliest datetime64[ns] (-2^63 is NaT). */
export const NS_MIN = -(2n ** 63n) + 1n;
/** Latest datetime64[ns]. */
export const NS_MAX = 2n ** 63n - 1n;

/**
 * Why pandas refuses parsed date/time text: a year outside 1..9999 (`DateParseError`) or a time
 * outside datetime64[ns], 1677-09-21 to 2262-04-11 (`OutOfBoundsDatetime`); undefined when it fits.
 */
export function datetimeRangeProblem(text: string, parsed: ParsedDatetime): { readonly kind: 'DateParseError' | 'OutOfBoundsDatetime'; readonly message: string } | undefined {
  if (parsed.year < 1 || parsed.year > 9999) return { kind: 'DateParseError', message: `year ${parsed.year} is out of range: ${text}` };
  if (parsed.ns < NS_MIN || parsed.ns > NS_MAX) return { kind: 'OutOfBoundsDatetime', message: `Out of bounds nanosecond timestamp: ${text}` };
  return undefined;
}

/**
 * Parses ISO-8601 date/time text (date only, `T` or space separator, fractions to nanoseconds,
 * `Z`/offsets converted to naive UTC as pandas does) into nanoseconds; undefined when not a date.
 */
export function parseDatetime(text: string): ParsedDatetime | undefined {
  const m = ISO.exec(text) ?? COMPACT.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const frac = m[7] !== undefined ? BigInt(m[7].padEnd(9, '0')) : 0n;
  let seconds = BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(h * 3600 + mi * 60 + s);
  const tz = m[8];
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60;
    seconds -= BigInt(sign * offset);
  }
  return { ns: seconds * 1_000_000_000n + frac, dateOnly: m[4] === undefined, year: y };
}

/** Converts a JavaScript Date to nanoseconds since the epoch. */
export function dateToNs(date: Date): bigint {
  return BigInt(date.getTime()) * NS_PER_MS;
}

/** Converts nanoseconds to a Date (sub-millisecond precision is dropped); NaT gives null. */
export function nsToDate(ns: bigint): Date | null {
  if (ns === NAT) return null;
  return new Date(Number(ns / NS_PER_MS));
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Python/pandas isoformat of a datetime64[ns]: `2021-01-01T00:00:00`, microseconds as `.123000`,
 * nanoseconds as `.609459200`; NaT prints `NaT`.
 */
export function formatDatetime(ns: bigint): string {
  if (ns === NAT) return 'NaT';
  let secs = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) {
    frac += 1_000_000_000n;
    secs -= 1n;
  }
  let days = secs / 86400n;
  let rem = secs % 86400n;
  if (rem < 0n) {
    rem += 86400n;
    days -= 1n;
  }
  const [y, mo, d] = civilFromDays(Number(days));
  const r = Number(rem);
  const base = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(Math.floor(r / 3600), 2)}:${pad(Math.floor((r % 3600) / 60), 2)}:${pad(r % 60, 2)}`;
  if (frac === 0n) return base;
  if (frac % 1000n === 0n) return `${base}.${pad(frac / 1000n, 6)}`;
  return `${base}.${pad(frac, 9)}`;
}

/** Python isoformat of a date only (`2024-02-03`). */
export function formatDate(ns: bigint): string {
  return formatDatetime(ns).slice(0, 10);
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
