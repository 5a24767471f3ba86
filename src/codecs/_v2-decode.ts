// Owns decoding V2 inputs into model input by content type, as MLServer's codecs do for MLflow models (OIP spec §3.7–3.8).

import { BadRequestError } from '../errors.js';
import { NAT } from '../data/dtype.js';
import { Frame, type Column } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { datetimeRangeProblem, parseDatetime } from '../data/datetime.js';
import { decodeBase64Lenient } from '../data/base64.js';
import { parseJson } from './json-parse.js';
import { bytesValues, inputTensor } from './_v2-datatype.js';
import { CONTENT_TYPES } from './_v2-metadata.js';
import type { V2Input } from './_v2-types.js';
import { clip } from './_csv-error.js';

/** One input after its input-level codec: a Tensor (np) or a list of values (str, base64, datetime, pd_json). */
type DecodedInput = { kind: 'tensor'; tensor: Tensor } | { kind: 'list'; column: Column; value: unknown };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function text(input: V2Input, v: string | Uint8Array, i: number): string {
  if (typeof v === 'string') return v;
  try {
    return UTF8.decode(v);
  } catch {
    throw new BadRequestError(`Input '${input.name}': element ${i} is not valid UTF-8.`);
  }
}

function inputError(input: V2Input, contentType: string, i: number, err: unknown): BadRequestError {
  const reason = err instanceof Error ? err.message : String(err);
  return new BadRequestError(`Input '${input.name}' (content type '${contentType}'): element ${i} cannot be decoded: ${reason}`);
}

/** Decodes one input with an input-level content type (undefined: as a tensor of its datatype). */
function decodeInput(input: V2Input, contentType: string | undefined, maxDepth: number | undefined): DecodedInput {
  const name = input.name;
  switch (contentType) {
    case undefined:
    case CONTENT_TYPES.numpy:
      return { kind: 'tensor', tensor: inputTensor(input) };
    case CONTENT_TYPES.string: {
      // StringCodec: UTF-8 text; None stays None.
      const values = bytesValues(input).map((v, i) => (v === null ? null : text(input, v, i)));
      return { kind: 'list', column: { name, dtype: 'object', values }, value: values };
    }
    case CONTENT_TYPES.base64: {
      const values = bytesValues(input).map((v, i) => {
        if (v === null) return null;
        try {
          return decodeBase64Lenient(text(input, v, i));
        } catch (err) {
          throw inputError(input, contentType, i, err);
        }
      });
      return { kind: 'list', column: { name, dtype: 'object', values }, value: values };
    }
    case CONTENT_TYPES.datetime: {
      const ns = new BigInt64Array(
        bytesValues(input).map((v, i) => {
          if (v === null) return NAT;
          const t = text(input, v, i);
          const parsed = parseDatetime(t);
          if (!parsed) throw inputError(input, contentType, i, new Error('not an ISO 8601 date/time'));
          const problem = datetimeRangeProblem(clip(t), parsed);
          if (problem) throw inputError(input, contentType, i, new Error(problem.message));
          return parsed.ns;
        }),
      );
      return { kind: 'list', column: { name, dtype: 'datetime64', values: ns }, value: new Tensor('datetime64', [ns.length], ns) };
    }
    case CONTENT_TYPES.pandasJson: {
      const values = bytesValues(input).map((v, i) => {
        if (v === null) return null;
        try {
          return parseJson(text(input, v, i), maxDepth);
        } catch (err) {
          throw inputError(input, contentType, i, err);
        }
      });
      return { kind: 'list', column: { name, dtype: 'object', values }, value: values };
    }
    default:
      throw new BadRequestError(
        `Input '${name}' has an unsupported content type '${contentType}'. Input content types are: np, str, base64, datetime, pd_json.`,
      );
  }
}

/** One DataFrame column from a decoded input (`PandasCodec._to_series`): first dimension = rows. */
function toColumn(decoded: DecodedInput, input: V2Input): Column {
  if (decoded.kind === 'list') return decoded.column;
  const t = decoded.tensor;
  const rows = t.ndim === 0 ? 1 : t.shape[0];
  const width = rows === 0 ? 0 : t.size / rows;
  if (width === 1 || t.ndim <= 1) {
    // BYTES columns keep their values as given (object), as pandas does for a list of str.
    const dtype = t.dtype === 'str' || t.dtype === 'bytes' ? 'object' : t.dtype;
    return { name: input.name, dtype, values: dtype === 'object' ? Array.from(t.data as ArrayLike<unknown>) : t.data } as Column;
  }
  // Several values per row: one cell per row holding that row's sub-tensor (a list-valued column).
  const inner = t.shape.slice(1);
  const cells: Tensor[] = [];
  for (let r = 0; r < rows; r++) cells.push(new Tensor(t.dtype, inner, t.data.slice(r * width, (r + 1) * width) as Tensor['data']));
  return { name: input.name, dtype: 'object', values: cells };
}

function decodedValue(d: DecodedInput): unknown {
  return d.kind === 'tensor' ? d.tensor : d.value;
}

function single(contentType: string, inputs: readonly V2Input[]): V2Input {
  // SingleInputRequestCodec's check and message.
  if (inputs.length !== 1) {
    throw new BadRequestError(`The '${contentType}' codec only supports a single input tensor (${inputs.length} were received)`);
  }
  return inputs[0];
}

/**
 * Decodes request inputs with a request-level content type (OIP spec §3.8): `pd` → Frame (one
 * column per input), `np` → the single input, `str` → the single input as strings, `dict` → named
 * values. Without one: the single input as a tensor, or named tensors for several inputs.
 * `inputContentType(input)` gives each input's own content type (its parameters, else metadata).
 */
export function decodeInputs(
  inputs: readonly V2Input[],
  contentType: string | undefined,
  inputContentType: (input: V2Input) => string | undefined,
  maxDepth?: number,
): unknown {
  const decode = (input: V2Input, fallback?: string): DecodedInput => decodeInput(input, inputContentType(input) ?? fallback, maxDepth);
  switch (contentType) {
    case CONTENT_TYPES.pandas: {
      const cols = inputs.map((input) => toColumn(decode(input), input));
      const lengths = new Set(cols.map((c) => c.values.length));
      if (lengths.size > 1) throw new BadRequestError('All arrays must be of the same length');
      return new Frame(cols);
    }
    case CONTENT_TYPES.numpy:
      return decodedValue(decode(single(contentType, inputs)));
    case CONTENT_TYPES.string:
      return decodedValue(decode(single(contentType, inputs), CONTENT_TYPES.string));
    case CONTENT_TYPES.dict:
      return Object.fromEntries(inputs.map((input) => [input.name, decodedValue(decode(input))]));
    case undefined:
      // MLServer hands such requests to the model undecoded (MLServer#661); mlserve decodes them
      // as `inputs` of /invocations would be: one tensor, or a dict of tensors.
      if (inputs.length === 1) return decodedValue(decode(inputs[0]));
      return Object.fromEntries(inputs.map((input) => [input.name, decodedValue(decode(input))]));
    default:
      throw new BadRequestError(`Unsupported request content type '${contentType}'. Request content types are: pd, np, dict, str.`);
  }
}
