// Owns reading an XGBoost model file: telling JSON, UBJSON and the legacy binary format apart, and parsing.

import { readFile } from 'node:fs/promises';
import { ModelLoadError } from '../../errors.js';
import { decodeUbjson, type UbjValue } from './ubjson.js';

/** The formats XGBoost's `save_model` writes. */
export type XgbFileFormat = 'json' | 'ubj' | 'binary';

/**
 * The format of a model file from its first bytes, as XGBoost's own loader decides: `{"` is JSON,
 * `{` followed by a UBJSON marker is UBJSON, anything else the legacy binary format.
 */
export function sniffFormat(bytes: Uint8Array): XgbFileFormat {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b /* { */) return 'binary';
  // UBJSON never has whitespace: a key length marker (i U I l L) or an optimised-container marker ($ #) follows.
  return i === 0 && bytes.length > 1 && 'iUIlL$#'.includes(String.fromCharCode(bytes[1])) ? 'ubj' : 'json';
}

/**
 * Parses XGBoost's JSON, which may hold the non-standard tokens `NaN`, `Infinity` and `-Infinity`
 * (split conditions of categorical nodes are NaN). NaN becomes null; numeric readers map it back.
 */
export function parseXgbJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const patched = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) =>
      token.startsWith('"') ? token : token === 'NaN' ? 'null' : token.startsWith('-') ? '-1e999' : '1e999',
    );
    return JSON.parse(patched);
  }
}

/** How to turn a legacy binary model into one mlserve reads. */
export const RESAVE_ADVICE =
  'Re-save the model in JSON or UBJSON with XGBoost (`booster.save_model("model.json")`, or `model.get_booster().save_model("model.json")` ' +
  'for a scikit-learn estimator), or log it again with `mlflow.xgboost.save_model(model, path, model_format="json")` (or "ubj").';

/** Reads and parses a model file; the legacy binary format fails with advice on re-saving it. */
export async function readModelFile(file: string): Promise<{ format: XgbFileFormat; doc: unknown }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new ModelLoadError(`XGBoost model file ${file} (flavors.xgboost.data in MLmodel) does not exist or cannot be read.`, { cause });
  }
  const format = sniffFormat(bytes);
  if (format === 'binary') {
    throw new ModelLoadError(`XGBoost model file ${file} is in XGBoost's deprecated binary format, which mlserve does not read. ${RESAVE_ADVICE}`);
  }
  try {
    const doc: unknown | UbjValue = format === 'json' ? parseXgbJson(new TextDecoder('utf-8').decode(bytes)) : decodeUbjson(bytes);
    return { format, doc };
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ModelLoadError(`XGBoost model file ${file} is not a valid ${format === 'json' ? 'JSON' : 'UBJSON'} model: ${why}`, { cause });
  }
}
