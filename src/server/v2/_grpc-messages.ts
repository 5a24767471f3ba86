// Owns the mapping between V2 gRPC messages and the V2 request/response types: typed contents, raw contents, parameters (OIP spec §3.10).

import { BadRequestError } from '../../errors.js';
import { allocate, type DType, type DTypeStorage } from '../../data/dtype.js';
import { DATATYPE_DTYPE, elementCount, isV2Datatype, type V2Datatype, type V2Input, type V2Output, type V2Parameters, type V2Request, type V2Response } from '../../codecs/v2.js';
import { checkShape } from '../../codecs/limits.js';

/** InferParameter as proto-loader gives it (`oneofs: true`, int64 as strings). */
export interface ProtoParameter {
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  double_param?: number;
  uint64_param?: string | number;
  parameter_choice?: string;
}

/** InferTensorContents (arrays present, possibly empty). */
export interface ProtoContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: (string | number)[];
  uint_contents?: number[];
  uint64_contents?: (string | number)[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

/** ModelInferRequest as proto-loader gives it. */
export interface ProtoInferRequest {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, ProtoParameter>;
  inputs?: { name?: string; datatype?: string; shape?: (string | number)[]; parameters?: Record<string, ProtoParameter>; contents?: ProtoContents }[];
  outputs?: { name?: string; parameters?: Record<string, ProtoParameter> }[];
  raw_input_contents?: Uint8Array[];
}

const CONTENTS_FIELD: Record<V2Datatype, keyof ProtoContents | undefined> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP16: undefined,
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

const BYTE_WIDTH: Record<string, number> = { BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8 };

function fail(message: string): never {
  throw new BadRequestError(message);
}

function bigOrNumber(s: string | number): number | bigint {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

/** InferParameter map → plain values (int64 as number when exact, else bigint). */
export function fromProtoParameters(params: Record<string, ProtoParameter> | undefined): V2Parameters {
  const out: V2Parameters = {};
  for (const [k, p] of Object.entries(params ?? {})) {
    switch (p.parameter_choice) {
      case 'bool_param':
        out[k] = p.bool_param === true;
        break;
      case 'int64_param':
        out[k] = bigOrNumber(p.int64_param ?? 0);
        break;
      case 'uint64_param':
        out[k] = bigOrNumber(p.uint64_param ?? 0);
        break;
      case 'double_param':
        out[k] = p.double_param ?? 0;
        break;
      default:
        out[k] = p.string_param ?? '';
    }
  }
  return out;
}

/** Plain values → InferParameter map (integers as int64, other numbers as double, everything else as text). */
export function toProtoParameters(params: V2Parameters | undefined): Record<string, ProtoParameter> {
  const out: Record<string, ProtoParameter> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (typeof v === 'boolean') out[k] = { bool_param: v };
    else if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) out[k] = { int64_param: String(v) };
    else if (typeof v === 'number') out[k] = { double_param: v };
    else out[k] = { string_param: typeof v === 'string' ? v : JSON.stringify(v) };
  }
  return out;
}

/** Decodes one raw_input_contents entry (little-endian, row-major) into storage of the datatype. */
export function decodeRaw(name: string, datatype: V2Datatype, shape: readonly number[], raw: Uint8Array): V2Input['data'] {
  const n = elementCount(shape);
  if (datatype === 'BYTES') {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < raw.length) {
      if (at + 4 > raw.length) fail(`Raw contents of input '${name}' end inside a BYTES length prefix.`);
      // Unsigned little-endian (a bitwise OR would make lengths of 2^31 and more negative, and loop).
      const len = raw[at] + raw[at + 1] * 2 ** 8 + raw[at + 2] * 2 ** 16 + raw[at + 3] * 2 ** 24;
      at += 4;
      if (at + len > raw.length) fail(`Raw contents of input '${name}' end inside BYTES element ${out.length}.`);
      out.push(raw.subarray(at, at + len));
      at += len;
    }
    return out;
  }
  const width = BYTE_WIDTH[datatype];
  if (raw.length !== n * width) {
    fail(`Raw contents of input '${name}' have ${raw.length} bytes but ${datatype} shape [${shape.join(', ')}] needs ${n * width}.`);
  }
  if (datatype === 'BOOL') return Array.from(raw, (b) => b !== 0);
  // Copy into an aligned buffer: protobuf hands out views at arbitrary offsets. Hosts are little-endian.
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  const dtype: DType = DATATYPE_DTYPE[datatype];
  const Ctor = allocate(dtype, 0).constructor as new (b: ArrayBuffer, offset: number, length: number) => DTypeStorage[DType];
  return new Ctor(copy.buffer, 0, n);
}

function shapeOf(name: string, shape: (string | number)[] | undefined): number[] {
  return (shape ?? []).map((d) => {
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < 0) fail(`Input '${name}' has an invalid shape [${(shape ?? []).join(', ')}]: dimensions are non-negative integers.`);
    return n;
  });
}

/**
 * ModelInferRequest → V2Request (typed contents or raw_input_contents; not both). Shapes are
 * checked against `sentBytes`, the size of the message as received.
 */
export function fromProtoRequest(msg: ProtoInferRequest, sentBytes: number): V2Request {
  const raw = msg.raw_input_contents ?? [];
  const inputs = msg.inputs ?? [];
  if (inputs.length === 0) fail('The inference request has no inputs.');
  if (raw.length > 0 && raw.length !== inputs.length) {
    fail(`raw_input_contents has ${raw.length} entries but the request has ${inputs.length} inputs; send one per input, in order.`);
  }
  const seen = new Set<string>();
  const v2Inputs = inputs.map((t, i): V2Input => {
    const name = t.name ?? '';
    if (name === '') fail(`inputs[${i}] needs a name.`);
    if (seen.has(name)) fail(`Input '${name}' appears more than once; each input name must be unique.`);
    seen.add(name);
    if (!isV2Datatype(t.datatype)) fail(`Input '${name}' has an unsupported datatype ${JSON.stringify(t.datatype ?? '')}.`);
    const datatype = t.datatype;
    const shape = shapeOf(name, t.shape);
    checkShape(`Input '${name}'`, shape, sentBytes);
    const parameters = fromProtoParameters(t.parameters);
    const field = CONTENTS_FIELD[datatype];
    const typed = t.contents && Object.values(t.contents).some((a) => Array.isArray(a) && a.length > 0);
    if (raw.length > 0) {
      if (typed) fail(`Input '${name}' sets contents although raw_input_contents is used; use one or the other.`);
      return { name, datatype, shape, parameters, data: decodeRaw(name, datatype, shape, raw[i]) };
    }
    if (field === undefined) fail(`Input '${name}' is FP16, which travels only in raw_input_contents.`);
    const values = (t.contents?.[field] ?? []) as readonly unknown[];
    return { name, datatype, shape, parameters, data: values };
  });
  return {
    ...(msg.id ? { id: msg.id } : {}),
    parameters: fromProtoParameters(msg.parameters),
    inputs: v2Inputs,
    ...((msg.outputs ?? []).length > 0 ? { outputs: msg.outputs!.map((o) => ({ name: o.name ?? '', parameters: fromProtoParameters(o.parameters) })) } : {}),
  };
}

/** Raw bytes of an output's elements (little-endian; BYTES length-prefixed; BOOL one byte each). */
export function encodeRaw(out: V2Output): Buffer {
  if (out.datatype === 'BYTES') {
    const parts: Buffer[] = [];
    for (const s of out.data as readonly string[]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  if (out.datatype === 'BOOL') return Buffer.from((out.data as boolean[]).map((b) => (b ? 1 : 0)));
  const view = out.data as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function typedContents(out: V2Output): ProtoContents {
  const field = CONTENTS_FIELD[out.datatype]!;
  const d = out.data as ArrayLike<unknown>;
  if (out.datatype === 'BYTES') return { bytes_contents: Array.from(d as ArrayLike<string>, (s) => Buffer.from(s, 'utf8')) };
  if (out.datatype === 'INT64' || out.datatype === 'UINT64') return { [field]: Array.from(d as ArrayLike<bigint>, String) };
  return { [field]: Array.from(d as ArrayLike<number | boolean>) };
}

/** V2Response → ModelInferResponse: raw_output_contents when the request used raw contents or an output is FP16, else typed contents. */
export function toProtoResponse(res: V2Response, raw: boolean): Record<string, unknown> {
  const useRaw = raw || res.outputs.some((o) => o.datatype === 'FP16');
  return {
    model_name: res.modelName,
    model_version: res.modelVersion ?? '',
    id: res.id,
    parameters: toProtoParameters(res.parameters),
    outputs: res.outputs.map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: o.shape,
      parameters: toProtoParameters(o.parameters),
      ...(useRaw ? {} : { contents: typedContents(o) }),
    })),
    raw_output_contents: useRaw ? res.outputs.map(encodeRaw) : [],
  };
}
