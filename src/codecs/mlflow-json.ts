// Owns decoding of MLflow's JSON request envelope into model input, params and the LLM flag (spec §2.1–2.8).

import { BadRequestError, SchemaEnforcementError } from '../errors.js';
import { isPlainObject, pyClass } from '../data/pytype.js';
import { copyFloatMark } from '../data/float-hint.js';
import { bytesRepr, strRepr } from '../data/pyrepr.js';
import { castFrame } from '../schema/cast.js';
import { convertInputs, convertInstances } from '../schema/convert.js';
import type { Signature } from '../schema/types.js';
import { parseJson, JsonDecodeError, MAX_JSON_DEPTH } from './json-parse.js';
import { decodeDataframeRecords, decodeDataframeSplit } from './dataframe.js';
import { decodeNumericRequest } from './_mlflow-json-numeric.js';
import type { DecodedRequest, DecodeContext } from './types.js';
import { PROTOCOL_NOTE } from './content-type.js';

const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
/** The set as MLflow prints it. */
const FORMAT_SET = "{'inputs', 'dataframe_split', 'instances', 'dataframe_records'}";
const LLM_KEYS = ['messages', 'prompt', 'input'];
/** Longest body prefix quoted back in a JSON syntax error. */
const MAX_QUOTED_BYTES = 1000;

/** Parses JSON text with MLflow's error message for invalid JSON. */
export function parseRequestJson(body: Uint8Array, maxDepth: number = MAX_JSON_DEPTH): unknown {
  try {
    return parseJson(body, maxDepth);
  } catch (err) {
    if (!(err instanceof JsonDecodeError)) throw err;
    const quoted = body.length > MAX_QUOTED_BYTES ? `${bytesRepr(body.subarray(0, MAX_QUOTED_BYTES))}...` : bytesRepr(body);
    throw new BadRequestError(
      `Invalid input. Ensure that input is a valid JSON formatted string. Error: 'JSONDecodeError(${strRepr(err.message)})'\nInput: \n${quoted}\n`,
      { cause: err },
    );
  }
}

/** Splits a unified LLM payload into data and the params its schema declares (spec §2.2). */
function decodeUnifiedLlm(body: Record<string, unknown>, signature: Signature | undefined): DecodedRequest {
  const declared = new Set((signature?.params ?? []).map((p) => p.name));
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (declared.has(key)) {
      const v = body[key];
      params[key] = v;
      // Keep Python's int/float kind (`3.0` stays a float, which a long param rejects).
      copyFloatMark(body, key, params, key);
      delete body[key];
    }
  }
  return { input: body, params, unwrapped: true };
}

/**
 * Decodes a JSON request body: the envelope, then parse-time casting with the signature
 * (`dataframe_*` cast leniently, `inputs`/`instances` converted to arrays). All-numbers `inputs`, `instances` and
 * `dataframe_split` bodies take a one-pass scanner to typed arrays; every other body, and every
 * error, the general path. Throws BadRequestError (or SchemaEnforcementError for type-hint models)
 * with MLflow's messages.
 */
export function decodeJsonRequest(body: Uint8Array, ctx: DecodeContext): DecodedRequest {
  return decodeNumericRequest(body, ctx) ?? decodeJsonRequestGeneral(body, ctx);
}

/** decodeJsonRequest without the all-numbers scanner: parses the whole document (any body). */
export function decodeJsonRequestGeneral(body: Uint8Array, ctx: DecodeContext): DecodedRequest {
  const parsed = parseRequestJson(body, ctx.limits?.maxDepth);
  if (!isPlainObject(parsed)) {
    const received = Array.isArray(parsed) ? 'a list' : `unexpected input type '${pyClass(parsed)}`;
    throw new BadRequestError(`Invalid input. The input must be a JSON dictionary with exactly one of the input fields ${FORMAT_SET}. Received ${received}.`);
  }
  const signature = ctx.signature;
  if (LLM_KEYS.some((k) => k in parsed)) return decodeUnifiedLlm(parsed, signature);
  if (ctx.signatureFromTypeHint) {
    if (!('inputs' in parsed)) {
      throw new SchemaEnforcementError(
        `Request payload must be a dictionary with 'inputs' key when the model contains a valid type hint. Found keys in payload: dict_keys([${Object.keys(parsed).map(strRepr).join(', ')}]).`,
      );
    }
    return { input: parsed.inputs, params: parsed.params ?? null, unwrapped: false, enforced: true };
  }
  const params = 'params' in parsed ? parsed.params : null;
  const present = FORMAT_KEYS.filter((k) => k in parsed);
  if (present.length !== 1) {
    throw new BadRequestError(
      `The input must be a JSON dictionary with exactly one of the input fields ${FORMAT_SET}. Received dictionary with input fields: [${present.map(strRepr).join(', ')}]. ${PROTOCOL_NOTE}`,
    );
  }
  const key = present[0];
  const value = parsed[key];
  const schema = signature?.inputs;
  switch (key) {
    case 'dataframe_split':
      return { input: castFrame(decodeDataframeSplit(value, body.length), schema), params, unwrapped: false };
    case 'dataframe_records':
      return { input: castFrame(decodeDataframeRecords(value, body.length), schema), params, unwrapped: false };
    case 'instances':
      return { input: convertInstances(value, schema, { container: parsed, key }), params, unwrapped: false };
    default:
      return { input: convertInputs(value, schema, { container: parsed, key }), params, unwrapped: false };
  }
}
