// Owns reading numpy's `.npy` files (format versions 1–3: magic, header dict, raw data) into an
// NdArray, and `.npz` archives (a zip of `.npy` files) into a dict of arrays.

import { NpDType, type NpField } from './dtype.js';
import { PickleError } from './errors.js';
import { Budget, type PyReadLimits, resolveLimits } from './limits.js';
import { NdArray } from './ndarray.js';
import { arrayFromBytes, shapeOf } from './numpy.js';
import { typeName } from './_type-name.js';
import { unpickle } from './pickle.js';
import { parsePyLiteral } from './_pyliteral.js';
import { isTuple, type PyValue } from './tree.js';
import { ZipArchive } from './zip.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy's own default bound on the header (np.load's max_header_size) is 10,000; structured dtypes may need more. */
const MAX_HEADER_BYTES = 1 << 20;

/** Reads a `.npy` file. Object arrays (pickled inside the file) are read with the inert pickle reader. */
export function readNpy(bytes: Uint8Array, options: { limits?: Partial<PyReadLimits> } = {}): NdArray {
  return npyArray(bytes, new Budget(resolveLimits(options.limits)), 'The .npy file');
}

/** `readNpy` charging an existing budget; `what` names the file in messages. */
export function npyArray(input: Uint8Array, budget: Budget, what: string): NdArray {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  budget.checkInput(bytes.length, what);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new PickleError(`${what} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new PickleError(`${what} has .npy format version ${major}.${bytes[7]}; versions 1 to 3 are known`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new PickleError(`${what} is truncated in its header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLength > MAX_HEADER_BYTES) throw new PickleError(`${what} has a ${headerLength}-byte header, over the limit of ${MAX_HEADER_BYTES}`);
  if (start + headerLength > bytes.length) throw new PickleError(`${what} is truncated in its header`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLength);
  const header = parsePyLiteral(text);
  if (!(header instanceof Map)) throw new PickleError(`${what} header is not a dict`);
  const fortran = header.get('fortran_order');
  if (typeof fortran !== 'boolean') throw new PickleError(`${what} header has no boolean 'fortran_order'`);
  const shape = shapeOf(header.get('shape') ?? null);
  const dtype = descrToDType(header.get('descr'), 0);
  const data = bytes.subarray(start + headerLength);
  if (dtype.kind === 'O') {
    // np.save with allow_pickle writes object arrays as a pickle of the whole array.
    const value = unpickle(data, {}, budget);
    if (!(value instanceof NdArray)) throw new PickleError(`${what} holds a pickled ${typeName(value)}, not an array`);
    return value;
  }
  return arrayFromBytes(data, dtype, shape, fortran, budget);
}

/** numpy's `dtype.descr`/`.npy` form: a type string, or a list of (name, descr[, shape]) fields. */
export function descrToDType(descr: PyValue | undefined, depth: number): NpDType {
  if (typeof descr === 'string') return NpDType.parse(descr);
  if (!Array.isArray(descr) || depth > 32) throw new PickleError(`Invalid numpy dtype description ${typeName(descr)}`);
  const fields: NpField[] = [];
  let offset = 0;
  for (const item of descr) {
    if (!isTuple(item) || item.length < 2 || item.length > 3) throw new PickleError('Invalid field in a numpy dtype description');
    const [rawName, fieldDescr, fieldShape] = item;
    // A field name may be (title, name).
    const name = isTuple(rawName) && rawName.length === 2 ? rawName[1] : rawName;
    if (typeof name !== 'string') throw new PickleError(`Invalid field name ${typeName(rawName)} in a numpy dtype description`);
    let dtype = descrToDType(fieldDescr, depth + 1);
    if (fieldShape !== undefined) {
      const sub = shapeOf(fieldShape);
      const size = sub.reduce((a, b) => a * b, 1) * dtype.itemsize;
      dtype = new NpDType({ kind: 'V', itemsize: size, subarray: { base: dtype, shape: sub }, alignment: dtype.alignment });
    }
    // numpy writes padding as unnamed void fields.
    if (name !== '') fields.push({ name, dtype, offset, title: isTuple(rawName) ? rawName[0] : null });
    offset += dtype.itemsize;
  }
  return new NpDType({ kind: 'V', itemsize: offset, fields });
}

/** Reads a `.npz` archive (`numpy.savez`): each `name.npy` entry as `name` → array. */
export function npzArrays(bytes: Uint8Array, budget: Budget, what: string): Map<string, NdArray> {
  const zip = ZipArchive.open(bytes, budget, what);
  const out = new Map<string, NdArray>();
  for (const name of zip.names()) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), npyArray(zip.read(name), budget, `${what}: ${name}`));
  }
  return out;
}
