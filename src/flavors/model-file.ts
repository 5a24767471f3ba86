// Owns the rule every flavor applies to a file its MLmodel names: it stays inside the model directory.

import { isAbsolute, relative, resolve } from 'node:path';
import { ModelLoadError } from '../errors.js';

/**
 * The path of the file `name` that an MLmodel names, relative to the model directory; refused when
 * it leaves that directory (`../../etc/passwd`, an absolute path): an MLmodel downloaded from a
 * tracking server may say anything.
 */
export function fileInModel(modelPath: string, name: string): string {
  const file = resolve(modelPath, name);
  const rel = relative(modelPath, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ModelLoadError(`The model file ${name} named in MLmodel is outside the model directory ${modelPath}.`);
  return file;
}
