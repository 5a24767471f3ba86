// Owns the dtype pandas gives `DataFrame.values` for a set of column dtypes (numpy type promotion).

import { type DType, dtypeKind, itemSize } from '../../data/dtype.js';

const FLOAT_OF_SIZE: Record<number, DType> = { 2: 'float16', 4: 'float32', 8: 'float64' };
const INT_OF_SIZE: Record<number, DType> = { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' };

/**
 * The dtype of `df.values` for columns of `dtypes` (pandas `find_common_type`): one dtype stays as
 * it is; booleans mixed with anything else, and any mix involving strings, bytes, datetimes or
 * objects, give `object`; numbers follow numpy's `promote_types` (int64 with uint64 gives float64,
 * int32 with float32 gives float64). No columns give float64, as pandas does.
 */
export function commonDType(dtypes: readonly DType[]): DType {
  if (dtypes.length === 0) return 'float64';
  let out = dtypes[0];
  for (const d of dtypes.slice(1)) {
    if (d === out) continue;
    if (!isNumber(d) || !isNumber(out)) return 'object';
    out = promoteTypes(out, d);
  }
  return out;
}

function isNumber(d: DType): boolean {
  const k = dtypeKind(d);
  return k === 'i' || k === 'u' || k === 'f';
}

/** numpy's `promote_types` for two numeric (int, uint or float) dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  const ka = dtypeKind(a);
  const kb = dtypeKind(b);
  const sa = itemSize(a);
  const sb = itemSize(b);
  if (ka === 'f' || kb === 'f') {
    // A float must hold every value of the integer: 8-bit → float16, 16-bit → float32, wider → float64.
    const need = (k: string, s: number): number => (k === 'f' ? s : s === 1 ? 2 : s === 2 ? 4 : 8);
    return FLOAT_OF_SIZE[Math.max(need(ka, sa), need(kb, sb))];
  }
  if (ka === kb) return sa >= sb ? a : b;
  const [signed, unsigned] = ka === 'i' ? [sa, sb] : [sb, sa];
  if (unsigned < signed) return INT_OF_SIZE[signed];
  return unsigned < 8 ? INT_OF_SIZE[unsigned * 2] : 'float64';
}
