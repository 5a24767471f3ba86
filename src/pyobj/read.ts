// Owns reading a saved Python object from a file or bytes whatever its format: a pickle, a skops
// zip or a .npy file, told apart by their first bytes; the file size is checked before reading.

import { readFileSync, statSync } from 'node:fs';
import { Budget, type PyReadLimits, resolveLimits } from './limits.js';
import { readNpy } from './npy.js';
import { type PickleReadOptions, readPickle } from './pickle.js';
import { readSkops } from './skops.js';
import type { PyValue } from './tree.js';

/** The format `readPythonObject` found. */
export type SavedFormat = 'pickle' | 'skops' | 'npy';

/** The format of saved bytes: a zip is skops, `\x93NUMPY` is .npy, anything else is read as a pickle. */
export function sniffFormat(bytes: Uint8Array): SavedFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'skops';
  if (bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY') return 'npy';
  return 'pickle';
}

/** Reads a pickle, skops or .npy file from bytes (see `sniffFormat`). */
export function readPythonObject(bytes: Uint8Array, options: PickleReadOptions = {}): PyValue {
  switch (sniffFormat(bytes)) {
    case 'skops':
      return readSkops(bytes, options);
    case 'npy':
      return readNpy(bytes, options);
    default:
      return readPickle(bytes, options);
  }
}

/** `readPythonObject` of a file, failing before reading it when it is over `maxInputBytes`. */
export function readPythonObjectFile(path: string, options: PickleReadOptions = {}): PyValue {
  checkFileSize(path, options.limits);
  return readPythonObject(readFileSync(path), options);
}

/** `readPickle` of a file, failing before reading it when it is over `maxInputBytes`. */
export function readPickleFile(path: string, options: PickleReadOptions = {}): PyValue {
  checkFileSize(path, options.limits);
  return readPickle(readFileSync(path), options);
}

function checkFileSize(path: string, limits: Partial<PyReadLimits> | undefined): void {
  new Budget(resolveLimits(limits)).checkInput(statSync(path).size, `The file ${path}`);
}
