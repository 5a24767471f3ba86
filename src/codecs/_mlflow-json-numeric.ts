// Owns the fast decode of all-numbers MLflow JSON bodies: the scanner's typed numbers made into the
// same decoded request the general path builds from parsed JSON (convertInputs, or
// decodeDataframeSplit + castFrame), or undefined when the body is not one it takes.

import { Frame, type Column } from '../data/frame.js';
import { castFrame } from '../schema/cast.js';
import { convertNumberArray, convertsNumberArrays } from '../schema/convert.js';
import { MAX_JSON_DEPTH } from './json-parse.js';
import { scanNumericBody, type NumericBody } from './_json-numeric.js';
import type { DecodedRequest, DecodeContext } from './types.js';

/** The Frame pandas builds from `dataframe_split` rows of numbers: int64 columns where every literal is an int, float64 otherwise. */
function numericFrame(split: Extract<NumericBody, { format: 'dataframe_split' }>): Frame | undefined {
  const { shape, values, floatAt } = split.data;
  const [rows, width] = shape;
  // Mismatched labels or index: the general path words pandas' error.
  if (split.columns !== undefined && split.columns.length !== width) return undefined;
  if (split.indexLength !== undefined && split.indexLength !== rows) return undefined;
  const cols: Column[] = [];
  for (let c = 0; c < width; c++) {
    const name = split.columns ? split.columns[c] : c;
    if (floatAt[c]) {
      const out = new Float64Array(rows);
      for (let r = 0, k = c; r < rows; r++, k += width) out[r] = values[k];
      cols.push({ name, dtype: 'float64', values: out });
    } else {
      const out = new BigInt64Array(rows);
      for (let r = 0, k = c; r < rows; r++, k += width) out[r] = BigInt(values[k]);
      cols.push({ name, dtype: 'int64', values: out });
    }
  }
  return new Frame(cols, rows);
}

/**
 * Decodes an all-numbers `inputs`, `instances` or `dataframe_split` body in one pass over its bytes, giving what
 * decodeJsonRequest's general path gives for it; undefined for any other body (and for type-hint
 * models, whose `inputs` pass through as parsed JSON).
 */
export function decodeNumericRequest(body: Uint8Array, ctx: DecodeContext): DecodedRequest | undefined {
  if (ctx.signatureFromTypeHint) return undefined;
  const schema = ctx.signature?.inputs;
  // A signature whose arrays the shortcut does not convert (int or string specs, ...): `inputs` and
  // `instances` are declined at their key, not after reading every number.
  const scanned = scanNumericBody(body, ctx.limits?.maxDepth ?? MAX_JSON_DEPTH, convertsNumberArrays(schema));
  if (!scanned) return undefined;
  // `instances` of rows that are lists converts as `inputs` does (convertInstances), and one tensor has no lengths to compare.
  if (scanned.format !== 'dataframe_split') {
    const { shape, values, floatAt } = scanned.array;
    const input = convertNumberArray(shape, values, floatAt.includes(1), schema);
    return input === undefined ? undefined : { input, params: null, unwrapped: false };
  }
  const frame = numericFrame(scanned);
  return frame && { input: castFrame(frame, schema), params: null, unwrapped: false };
}
