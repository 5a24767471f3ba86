// Owns reading an ONNX file (protobuf ModelProto) into plain objects: the parts the native evaluator needs (onnx.proto's field numbers), nothing more.
//
// The reader never trusts a length it reads: every field is checked against the bytes left, so a
// truncated or hostile file fails with an Error, never with an allocation the file sized.

/** ONNX TensorProto.DataType values → onnxruntime-node's type names (the types the evaluator may meet). */
const ONNX_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

/** A constant tensor (initializer or attribute). Only float32 and int64 data is decoded (what the evaluator computes with). */
export interface OnnxTensor {
  readonly name: string;
  /** onnxruntime-node's type name. */
  readonly type: string;
  readonly dims: readonly number[];
  /** float32 values as a Float32Array, int64 as a Float64Array of their values; empty for other types. */
  readonly data: Float32Array | Float64Array;
  /** True when the data lives in an external file (data_location = EXTERNAL). */
  readonly external: boolean;
  /** True when an int64 value is too large for a double to hold exactly (|v| > 2^53). */
  readonly inexact: boolean;
}

/** ONNX AttributeProto.AttributeType values of the kinds the evaluator reads. */
export const ATTRIBUTE_FLOAT = 1;
export const ATTRIBUTE_INT = 2;
export const ATTRIBUTE_TENSOR = 4;

/** One attribute of a node: its declared type, and its value when it is a float, an int or a tensor. */
export interface OnnxAttribute {
  readonly name: string;
  /** AttributeProto.type; when a file leaves it out, the kind of the value it holds (0: none of the three). */
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly t?: OnnxTensor;
}

export interface OnnxNode {
  readonly opType: string;
  /** '' for the default domain (`ai.onnx`). */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A graph input or output: a tensor with its element type and dimensions (numbers, or names for symbolic ones), or something else. */
export type OnnxValueInfo =
  | { readonly name: string; readonly isTensor: true; readonly type: string; readonly shape: readonly (number | string)[] | undefined }
  | { readonly name: string; readonly isTensor: false };

export interface OnnxModel {
  readonly irVersion: number;
  /** Opset version per domain ('' is `ai.onnx`). */
  readonly opsets: ReadonlyMap<string, number>;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** True when the graph has sparse initializers or training/function parts the evaluator does not read. */
  readonly unsupportedParts: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A cursor over protobuf wire bytes. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as an int64 (negative values are written as 10-byte two's complement); exact up to 2^53 in magnitude. */
  varint(): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    // Past 49 bits a double cannot hold the sum exactly: read it again as a BigInt.
    this.pos = start;
    let big = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return Number(BigInt.asIntN(64, big));
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A length-delimited field's bounds. */
  bytes(): [number, number] {
    const len = this.varint();
    if (len < 0 || len > this.end - this.pos) throw new Error('field length past the end of its message');
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  string(): string {
    const [s, e] = this.bytes();
    return utf8.decode(this.buf.subarray(s, e));
  }

  fixed32(): DataView {
    if (this.end - this.pos < 4) throw new Error('truncated fixed32');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return v;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        if (this.end - this.pos < 8) throw new Error('truncated fixed64');
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        if (this.end - this.pos < 4) throw new Error('truncated fixed32');
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wire}`);
    }
  }

  /** Calls `field(number, wireType)` for each field; the callback reads the value or returns false to skip it. */
  fields(field: (no: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint();
      const no = Math.floor(key / 8);
      const wire = key & 7;
      if (no === 0) throw new Error('field number 0');
      if (!field(no, wire)) this.skip(wire);
    }
  }

  sub(): Reader {
    const [s, e] = this.bytes();
    return new Reader(this.buf, s, e);
  }
}

/** Appends a repeated varint field's values, packed (wire 2) or not (wire 0). */
function readVarints(r: Reader, wire: number, out: number[]): void {
  if (wire === 0) out.push(r.varint());
  else {
    const p = r.sub();
    while (!p.done) out.push(p.varint());
  }
}

/** Appends a repeated float (wire 5 or packed) field's values. */
function readFloats(r: Reader, wire: number, out: number[]): void {
  if (wire === 5) out.push(r.fixed32().getFloat32(0, true));
  else {
    const [s, e] = r.bytes();
    if ((e - s) % 4) throw new Error('packed floats not a multiple of 4 bytes');
    const v = new DataView(r.buf.buffer, r.buf.byteOffset + s, e - s);
    for (let o = 0; o < e - s; o += 4) out.push(v.getFloat32(o, true));
  }
}

function readTensor(r: Reader): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  const floats: number[] = [];
  const ints: number[] = [];
  let raw: [number, number] | undefined;
  let external = false;
  r.fields((no, wire) => {
    switch (no) {
      case 1:
        readVarints(r, wire, dims);
        return true;
      case 2:
        dataType = r.varint();
        return true;
      case 4:
        readFloats(r, wire, floats);
        return true;
      case 7: // int64_data
        readVarints(r, wire, ints);
        return true;
      case 8:
        name = r.string();
        return true;
      case 9:
        raw = r.bytes();
        return true;
      case 13: // external_data
        external = true;
        return false;
      case 14:
        external = r.varint() === 1 || external;
        return true;
      default:
        return false;
    }
  });
  const type = ONNX_TYPES[dataType] ?? `onnx type ${dataType}`;
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`tensor ${name} has dimension ${d}`);
    count *= d;
  }
  const empty = { name, type, dims, data: new Float32Array(0), external, inexact: false };
  if (external || (type !== 'float32' && type !== 'int64')) return empty;
  if (raw) {
    const bytes = raw[1] - raw[0];
    const size = type === 'float32' ? 4 : 8;
    if (bytes !== count * size) throw new Error(`tensor ${name}: ${bytes} bytes of raw data for ${count} ${type} values`);
    const v = new DataView(r.buf.buffer, r.buf.byteOffset + raw[0], bytes);
    if (type === 'float32') {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = v.getFloat32(i * 4, true);
      return { ...empty, data: out };
    }
    const out = new Float64Array(count);
    let inexact = false;
    for (let i = 0; i < count; i++) {
      const big = v.getBigInt64(i * 8, true);
      out[i] = Number(big);
      if (big > 2n ** 53n || big < -(2n ** 53n)) inexact = true;
    }
    return { ...empty, data: out, inexact };
  }
  const values = type === 'float32' ? floats : ints;
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for ${count} elements`);
  if (type === 'float32') return { ...empty, data: Float32Array.from(values) };
  return { ...empty, data: Float64Array.from(values), inexact: values.some((x) => Math.abs(x) > 2 ** 53) };
}

function readAttribute(r: Reader): OnnxAttribute {
  let name = '';
  let type = 0;
  const a: { f?: number; i?: number; t?: OnnxTensor } = {};
  let held = 0;
  r.fields((no) => {
    switch (no) {
      case 1:
        name = r.string();
        return true;
      case 20:
        type = r.varint();
        return true;
      case 2:
        a.f = r.fixed32().getFloat32(0, true);
        held = ATTRIBUTE_FLOAT;
        return true;
      case 3:
        a.i = r.varint();
        held = ATTRIBUTE_INT;
        return true;
      case 5:
        a.t = readTensor(r.sub());
        held = ATTRIBUTE_TENSOR;
        return true;
      default:
        // Strings, lists, graphs, sparse tensors, type protos, references: kinds no accepted operator takes.
        if (no !== 13) held = -1;
        return false;
    }
  });
  return { name, type: type || Math.max(held, 0), ...a };
}

function readNode(r: Reader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, OnnxAttribute>();
  let opType = '';
  let domain = '';
  r.fields((no) => {
    switch (no) {
      case 1:
        inputs.push(r.string());
        return true;
      case 2:
        outputs.push(r.string());
        return true;
      case 4:
        opType = r.string();
        return true;
      case 5: {
        const a = readAttribute(r.sub());
        attributes.set(a.name, a);
        return true;
      }
      case 7:
        domain = r.string();
        return true;
      default:
        return false;
    }
  });
  return { opType, domain: domain === 'ai.onnx' ? '' : domain, inputs, outputs, attributes };
}

function readValueInfo(r: Reader): OnnxValueInfo {
  let name = '';
  let tensor: { type: string; shape: (number | string)[] | undefined } | undefined;
  let other = false;
  r.fields((no) => {
    if (no === 1) {
      name = r.string();
      return true;
    }
    if (no !== 2) return false;
    const type = r.sub();
    type.fields((tno) => {
      if (tno !== 1) {
        if (tno === 4 || tno === 5 || tno === 8 || tno === 9) other = true;
        return false;
      }
      const t = type.sub();
      let elem = 0;
      let shape: (number | string)[] | undefined;
      t.fields((f) => {
        if (f === 1) {
          elem = t.varint();
          return true;
        }
        if (f !== 2) return false;
        shape = [];
        const s = t.sub();
        s.fields((d) => {
          if (d !== 1) return false;
          const dim = s.sub();
          let v: number | string = '';
          dim.fields((k) => {
            if (k === 1) v = dim.varint();
            else if (k === 2) v = dim.string();
            else return false;
            return true;
          });
          shape!.push(v);
          return true;
        });
        return true;
      });
      tensor = { type: ONNX_TYPES[elem] ?? `onnx type ${elem}`, shape };
      return true;
    });
    return true;
  });
  return tensor && !other ? { name, isTensor: true, ...tensor } : { name, isTensor: false };
}

/** Reads a ModelProto. Throws OnnxFormatError when the bytes are not one. */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const r = new Reader(bytes, 0, bytes.length);
  let irVersion = 0;
  const opsets = new Map<string, number>();
  let graph: Reader | undefined;
  let unsupportedParts = false;
  r.fields((no) => {
    switch (no) {
      case 1:
        irVersion = r.varint();
        return true;
      case 7:
        graph = r.sub();
        return true;
      case 8: {
        const o = r.sub();
        let domain = '';
        let version = 0;
        o.fields((f) => {
          if (f === 1) domain = o.string();
          else if (f === 2) version = o.varint();
          else return false;
          return true;
        });
        opsets.set(domain === 'ai.onnx' ? '' : domain, version);
        return true;
      }
      case 20: // training_info
      case 25: // functions
        unsupportedParts = true;
        return false;
      default:
        return false;
    }
  });
  if (!graph || irVersion <= 0) throw new Error('no graph or IR version: not an ONNX model');
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxTensor>();
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const g = graph;
  g.fields((no) => {
    switch (no) {
      case 1:
        nodes.push(readNode(g.sub()));
        return true;
      case 5: {
        const t = readTensor(g.sub());
        initializers.set(t.name, t);
        return true;
      }
      case 11:
        inputs.push(readValueInfo(g.sub()));
        return true;
      case 12:
        outputs.push(readValueInfo(g.sub()));
        return true;
      case 15: // sparse_initializer
        unsupportedParts = true;
        return false;
      default:
        return false;
    }
  });
  return { irVersion, opsets, nodes, initializers, inputs: inputs.filter((i) => !initializers.has(i.name)), outputs, unsupportedParts };
}
