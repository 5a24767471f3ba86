// Owns the ONNX operators the native evaluator runs, each computing what onnxruntime's CPU kernel computes (see f32.ts for the arithmetic).
//
// Values are float32 (Float32Array) or int64 (a Float64Array of exact integers); an operator
// checks its inputs' shapes when it runs and throws onnxruntime's kind of message when they do not fit.

import { ATTRIBUTE_FLOAT, ATTRIBUTE_INT, type OnnxNode } from './proto.js';
import { type CpuKernels, logistic32, muladd32, softmaxExp32, tanh32 } from './f32.js';

/** The element types the evaluator computes with. */
export type NativeType = 'float32' | 'int64';

export interface NativeTensor {
  readonly type: NativeType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** An operator prepared for one node: its output types (from its input types and attributes), and the computation. */
export interface PreparedOp {
  readonly outputTypes: readonly NativeType[];
  /** True when the output may be the input's own data (Identity, Reshape, …): the graph copies such outputs before handing them out. */
  readonly aliases?: boolean;
  run(inputs: readonly (NativeTensor | undefined)[]): NativeTensor[];
}

/** What preparing an operator knows: the node, its opset, its input types, and which inputs are constants. */
export interface OpContext {
  readonly node: OnnxNode;
  readonly opset: number;
  readonly inputTypes: readonly (NativeType | undefined)[];
  readonly constants: readonly (NativeTensor | undefined)[];
  readonly cpu: CpuKernels;
}

/** Prepares a node, or says why the evaluator cannot run it (the model then runs on onnxruntime). */
type Preparer = (ctx: OpContext) => PreparedOp | string;

const fround = Math.fround;

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function fail(node: OnnxNode, message: string): never {
  throw new Error(`Non-zero status code returned while running ${node.opType} node. ${message}`);
}

function attrInt(node: OnnxNode, name: string, dflt: number): number {
  return node.attributes.get(name)?.i ?? dflt;
}

function attrFloat(node: OnnxNode, name: string, dflt: number): number {
  return node.attributes.get(name)?.f ?? dflt;
}

/** Inputs must all be float32 (the types these kernels are written for). */
function float32Only(ctx: OpContext, count: number): string | undefined {
  for (let i = 0; i < count; i++) if (ctx.inputTypes[i] !== 'float32') return `${ctx.node.opType} on ${ctx.inputTypes[i] ?? 'a missing input'}`;
  return undefined;
}

/** Numpy-style (multidirectional) broadcast of two shapes, or undefined when they do not broadcast. */
function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** For each element of `out` dims, the index into a tensor of `dims` broadcast to it. */
function broadcastIndex(dims: readonly number[], out: readonly number[]): Int32Array {
  const n = size(out);
  const idx = new Int32Array(n);
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const o = rank - dims.length + i;
    strides[o] = dims[i] === 1 ? 0 : s;
    s *= dims[i]!;
  }
  const pos = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = at;
    for (let d = rank - 1; d >= 0; d--) {
      pos[d]!++;
      at += strides[d]!;
      if (pos[d]! < out[d]!) break;
      at -= strides[d]! * out[d]!;
      pos[d] = 0;
    }
  }
  return idx;
}

type Binary = (x: number, y: number) => number;

/** float32 arithmetic, correctly rounded (see f32.ts). int64 arithmetic is left to onnxruntime: int64 values live in doubles here. */
const BINARY: Readonly<Record<string, Binary>> = {
  Add: (x, y) => fround(x + y),
  Sub: (x, y) => fround(x - y),
  Mul: (x, y) => fround(x * y),
  Div: (x, y) => fround(x / y),
};

function prepareBinary(ctx: OpContext): PreparedOp | string {
  const why = float32Only(ctx, 2);
  if (why) return why;
  const { node } = ctx;
  const type = 'float32';
  const op = BINARY[node.opType]!;
  return {
    outputTypes: [type],
    run([a, b]) {
      const dims = broadcastDims(a!.dims, b!.dims) ?? fail(node, `Attempting to broadcast an axis by a dimension other than 1. ${a!.dims.join('x')} by ${b!.dims.join('x')}`);
      const n = size(dims);
      const out = new Float32Array(n);
      const x = a!.data;
      const y = b!.data;
      if (x.length === n && y.length === n) for (let i = 0; i < n; i++) out[i] = op(x[i]!, y[i]!);
      else if (x.length === n && y.length === 1) {
        const v = y[0]!;
        for (let i = 0; i < n; i++) out[i] = op(x[i]!, v);
      } else if (x.length === n && n % y.length === 0 && sameTail(b!.dims, dims)) {
        // b repeats along the leading dimensions (a bias row): b's index cycles.
        const m = y.length;
        for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) out[i] = op(x[i]!, y[j]!);
      } else {
        const ia = broadcastIndex(a!.dims, dims);
        const ib = broadcastIndex(b!.dims, dims);
        for (let i = 0; i < n; i++) out[i] = op(x[ia[i]!]!, y[ib[i]!]!);
      }
      return [{ type, dims, data: out }];
    },
  };
}

/** True when `dims` (without leading 1s) are the last dimensions of `out`. */
function sameTail(dims: readonly number[], out: readonly number[]): boolean {
  let i = dims.length - 1;
  let j = out.length - 1;
  for (; i >= 0; i--, j--) if (dims[i] !== out[j]) break;
  for (; i >= 0; i--) if (dims[i] !== 1) return false;
  return true;
}

/**
 * Y[r, j] = Σₖ A[r, k]·B[k, j] (+ C), accumulated in k order with this CPU's multiply-add from 0,
 * the bias added last: MLAS's SGEMM kernels keep one accumulator per output and add C after
 * (exact for K within one block, see packedOperand).
 */
function gemm(a: Float32Array, b: Float32Array, rows: number, k: number, cols: number, transA: boolean, transB: boolean, cpu: CpuKernels, bias?: (r: number, j: number) => number): Float32Array {
  const out = new Float32Array(rows * cols);
  const fused = cpu.fused;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let i = 0; i < k; i++) {
        const x = transA ? a[i * rows + r]! : a[r * k + i]!;
        const y = transB ? b[j * k + i]! : b[i * cols + j]!;
        acc = muladd32(x, y, acc, fused);
      }
      out[r * cols + j] = bias ? fround(acc + bias(r, j)) : acc;
    }
  }
  return out;
}

/**
 * Why a product with this right operand is not run natively, if it is not. onnxruntime packs a
 * constant B once and sums each output in blocks of 256 along K (a variable B uses other blocks,
 * and a fused bias joins the first block): one block, a constant B, is the case reproduced exactly.
 */
function packedOperand(ctx: OpContext, transB: boolean): string | undefined {
  const b = ctx.constants[1];
  if (!b) return `${ctx.node.opType} with a right operand computed at run time`;
  if (b.dims.length !== 2) return `${ctx.node.opType} with a right operand of rank ${b.dims.length}`;
  const k = b.dims[transB ? 1 : 0]!;
  if (k > MAX_INNER) return `${ctx.node.opType} with an inner dimension of ${k} (more than ${MAX_INNER})`;
  return undefined;
}

/** Longest inner dimension summed natively: one of MLAS's blocks for a packed B. */
const MAX_INNER = 256;

function prepareMatMul(ctx: OpContext): PreparedOp | string {
  const why = float32Only(ctx, 2) ?? packedOperand(ctx, false);
  if (why) return why;
  const { node, cpu } = ctx;
  return {
    outputTypes: ['float32'],
    run([a, b]) {
      const ad = a!.dims;
      const bd = b!.dims;
      if (bd.length !== 2 || ad.length < 1) fail(node, `MatMul of ranks ${ad.length} and ${bd.length} is not supported by the native evaluator.`);
      const k = ad[ad.length - 1]!;
      if (k !== bd[0]) fail(node, `MatMul dimension mismatch: left operand has ${k} columns, right operand has ${bd[0]} rows.`);
      const cols = bd[1]!;
      const rows = size(ad.slice(0, -1));
      const dims = ad.length === 1 ? [cols] : [...ad.slice(0, -1), cols];
      return [{ type: 'float32', dims, data: gemm(a!.data as Float32Array, b!.data as Float32Array, rows, k, cols, false, false, cpu) }];
    },
  };
}

function prepareGemm(ctx: OpContext): PreparedOp | string {
  const { node, cpu } = ctx;
  const why = float32Only(ctx, node.inputs[2] ? 3 : 2);
  if (why) return why;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  // MLAS scales by alpha and beta in ways not reproduced here: only the plain form runs natively.
  if (alpha !== 1 || (beta !== 1 && node.inputs[2])) return `Gemm with alpha ${alpha}, beta ${beta}`;
  const transA = attrInt(node, 'transA', 0) !== 0;
  const transB = attrInt(node, 'transB', 0) !== 0;
  const packed = packedOperand(ctx, transB);
  if (packed) return packed;
  return {
    outputTypes: ['float32'],
    run([a, b, c]) {
      if (a!.dims.length !== 2 || b!.dims.length !== 2) fail(node, 'Gemm: A and B must be 2-D.');
      const [rows, k] = transA ? [a!.dims[1]!, a!.dims[0]!] : [a!.dims[0]!, a!.dims[1]!];
      const [kb, cols] = transB ? [b!.dims[1]!, b!.dims[0]!] : [b!.dims[0]!, b!.dims[1]!];
      if (k !== kb) fail(node, `Gemm: Invalid input shape: A: ${a!.dims.join(',')} B: ${b!.dims.join(',')}`);
      let bias: ((r: number, j: number) => number) | undefined;
      if (c) {
        const cd = c.dims;
        const out = broadcastDims(cd, [rows, cols]);
        if (!out || out[0] !== rows || out[1] !== cols || cd.length > 2) fail(node, `Gemm: C of shape ${cd.join(',')} does not broadcast to ${rows},${cols}`);
        const cRows = cd.length === 2 ? cd[0]! : 1;
        const cCols = cd.length > 0 ? cd[cd.length - 1]! : 1;
        const rowStride = cRows !== 1 ? cCols : 0;
        const colStride = cCols !== 1 ? 1 : 0;
        const v = c.data;
        bias = (r, j) => v[r * rowStride + j * colStride]!;
      }
      return [{ type: 'float32', dims: [rows, cols], data: gemm(a!.data as Float32Array, b!.data as Float32Array, rows, k, cols, transA, transB, cpu, bias) }];
    },
  };
}

function prepareSoftmax(ctx: OpContext): PreparedOp | string {
  const why = float32Only(ctx, 1);
  if (why) return why;
  const { node, opset, cpu } = ctx;
  const axisAttr = attrInt(node, 'axis', opset >= 13 ? -1 : 1);
  return {
    outputTypes: ['float32'],
    run([x]) {
      const dims = x!.dims;
      const rank = dims.length;
      const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
      if (axis < 0 || axis >= Math.max(rank, 1)) fail(node, `axis ${axisAttr} is not in range for a tensor of rank ${rank}`);
      // Before opset 13 the input is seen as 2-D at `axis`; from 13 softmax runs along that one axis
      // (onnxruntime moves it last, runs the rows and moves it back: the same sums, read with a stride).
      const d = opset >= 13 ? dims[axis] ?? 1 : size(dims.slice(axis));
      const stride = opset >= 13 ? size(dims.slice(axis + 1)) : 1;
      return [{ type: 'float32', dims, data: softmax(x!.data as Float32Array, d, stride, cpu) }];
    },
  };
}

/** Softmax's accumulator lanes, reused (calls are synchronous). */
const LANES = new Float64Array(16);

/**
 * Softmax over vectors of `d` values `stride` apart (stride 1: rows): MLAS's max, exp(x - max) and
 * their sum, times 1/sum (see f32.ts).
 */
function softmax(x: Float32Array, d: number, stride: number, cpu: CpuKernels): Float32Array {
  const out = new Float32Array(x.length);
  if (d === 0) return out;
  // One vector accumulator: 16 lanes with AVX512F, 8 with AVX2 (established against onnxruntime on AVX512F).
  const lanes = LANES;
  const laneMask = cpu.avx512 ? 15 : 7;
  const block = d * stride;
  for (let b = 0; b < x.length; b += block) {
    for (let s = 0; s < stride; s++) {
      const r = b + s;
      let max = -3.4028234663852886e38;
      for (let i = 0; i < d; i++) {
        const v = x[r + i * stride]!;
        // MAXPS (vector max) keeps the second operand, the new value, when either is NaN.
        max = max > v ? max : v;
      }
      const negMax = -max;
      lanes.fill(0);
      for (let i = 0; i < d; i++) {
        const e = softmaxExp32(fround(x[r + i * stride]! + negMax), cpu);
        out[r + i * stride] = e;
        const l = i & laneMask;
        lanes[l] = fround(lanes[l]! + e);
      }
      const scale = fround(1 / reduceLanes(lanes));
      for (let i = 0; i < d; i++) out[r + i * stride] = fround(out[r + i * stride]! * scale);
    }
  }
  return out;
}

/**
 * The sum of the accumulator lanes as MLAS reduces them: 16 lanes to 8 by adding the halves, then
 * two horizontal adds and the two 128-bit halves: ((a0+a1)+(a2+a3)) + ((a4+a5)+(a6+a7)).
 */
function reduceLanes(l: Float64Array): number {
  for (let i = 0; i < 8; i++) l[i] = fround(l[i]! + l[i + 8]!);
  return fround(fround(fround(l[0]! + l[1]!) + fround(l[2]! + l[3]!)) + fround(fround(l[4]! + l[5]!) + fround(l[6]! + l[7]!)));
}

function prepareArgExtreme(ctx: OpContext): PreparedOp | string {
  const { node } = ctx;
  if (ctx.inputTypes[0] !== 'float32' && ctx.inputTypes[0] !== 'int64') return `${node.opType} on ${ctx.inputTypes[0]}`;
  const axisAttr = attrInt(node, 'axis', 0);
  const keep = attrInt(node, 'keepdims', 1) !== 0;
  const last = attrInt(node, 'select_last_index', 0) !== 0;
  const isMax = node.opType === 'ArgMax';
  return {
    outputTypes: ['int64'],
    run([x]) {
      const dims = x!.dims;
      const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
      if (axis < 0 || axis >= dims.length) fail(node, `axis ${axisAttr} is not in range for a tensor of rank ${dims.length}`);
      const d = dims[axis]!;
      // As onnxruntime: no index of an empty axis (and no output sized by the other dimensions of an empty input).
      if (d === 0) fail(node, `${node.opType}: the reduced axis ${axis} has no elements.`);
      const inner = size(dims.slice(axis + 1));
      const outer = size(dims.slice(0, axis));
      const out = new Float64Array(outer * inner);
      const v = x!.data;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * d * inner + i;
          let best = 0;
          let bestV = v[base]!;
          for (let j = 1; j < d; j++) {
            const c = v[base + j * inner]!;
            if (isMax ? c > bestV || (last && c === bestV) : c < bestV || (last && c === bestV)) {
              best = j;
              bestV = c;
            }
          }
          out[o * inner + i] = best;
        }
      }
      const outDims = keep ? dims.map((n, i) => (i === axis ? 1 : n)) : dims.filter((_, i) => i !== axis);
      return [{ type: 'int64', dims: outDims, data: out }];
    },
  };
}

function prepareRelu(ctx: OpContext): PreparedOp | string {
  const why = float32Only(ctx, 1);
  if (why) return why;
  return {
    outputTypes: ['float32'],
    run([x]) {
      const v = x!.data;
      const out = new Float32Array(v.length);
      // max(x, 0) as onnxruntime computes it: negatives become 0; -0 and NaN pass unchanged.
      for (let i = 0; i < v.length; i++) out[i] = v[i]! < 0 ? 0 : v[i]!;
      return [{ type: 'float32', dims: x!.dims, data: out }];
    },
  };
}

/** An elementwise float32 function of MLAS's (Sigmoid, Tanh). */
function prepareUnary(f: (x: number, cpu: CpuKernels) => number): (ctx: OpContext) => PreparedOp | string {
  return (ctx) => {
    const why = float32Only(ctx, 1);
    if (why) return why;
    const { cpu } = ctx;
    return {
      outputTypes: ['float32'],
      run([x]) {
        const v = x!.data;
        const out = new Float32Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = f(v[i]!, cpu);
        return [{ type: 'float32', dims: x!.dims, data: out }];
      },
    };
  };
}

const ONNX_TYPE_CODES: Readonly<Record<number, NativeType>> = { 1: 'float32', 7: 'int64' };

function prepareCast(ctx: OpContext): PreparedOp | string {
  const to = ONNX_TYPE_CODES[attrInt(ctx.node, 'to', 0)];
  const from = ctx.inputTypes[0];
  if (!to || !from) return `Cast from ${from} to onnx type ${attrInt(ctx.node, 'to', 0)}`;
  return {
    outputTypes: [to],
    aliases: from === to,
    run([x]) {
      if (from === to) return [x!];
      const v = x!.data;
      // float → int64 truncates toward zero (C++'s static_cast); int64 → float rounds to nearest.
      // float → int64 truncates toward zero; NaN and values out of int64's range give INT64_MIN (x86's
      // CVTTSS2SI, which onnxruntime's cast compiles to). int64 → float rounds to nearest.
      const data = to === 'int64' ? Float64Array.from(v, (n) => (n >= -(2 ** 63) && n < 2 ** 63 ? Math.trunc(n) + 0 : -(2 ** 63))) : Float32Array.from(v);
      return [{ type: to, dims: x!.dims, data }];
    },
  };
}

function prepareIdentity(ctx: OpContext): PreparedOp | string {
  const t = ctx.inputTypes[0];
  if (!t) return 'Identity of a missing input';
  return { outputTypes: [t], aliases: true, run: ([x]) => [x!] };
}

function prepareFlatten(ctx: OpContext): PreparedOp | string {
  const t = ctx.inputTypes[0];
  if (!t) return 'Flatten of a missing input';
  const { node } = ctx;
  const axisAttr = attrInt(node, 'axis', 1);
  return {
    outputTypes: [t],
    aliases: true,
    run([x]) {
      const dims = x!.dims;
      const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
      if (axis < 0 || axis > dims.length) fail(node, `Invalid value(${axisAttr}) for attribute 'axis'`);
      return [{ type: t, dims: [size(dims.slice(0, axis)), size(dims.slice(axis))], data: x!.data }];
    },
  };
}

function prepareReshape(ctx: OpContext): PreparedOp | string {
  const t = ctx.inputTypes[0];
  const shape = ctx.constants[1];
  if (!t) return 'Reshape of a missing input';
  if (!shape || ctx.inputTypes[1] !== 'int64') return 'Reshape to a shape computed at run time';
  if (shape.dims.length !== 1) return `Reshape to a shape tensor of rank ${shape.dims.length}`;
  const { node } = ctx;
  const allowZero = attrInt(node, 'allowzero', 0) !== 0;
  const wanted = Array.from(shape.data);
  return {
    outputTypes: [t],
    aliases: true,
    run([x]) {
      const total = x!.data.length;
      const dims = wanted.map((d, i) => (d === 0 && !allowZero ? (x!.dims[i] ?? fail(node, 'Reshape: a 0 past the input rank')) : d));
      const unknown = dims.indexOf(-1);
      if (unknown >= 0) {
        const known = dims.reduce((a, d, i) => (i === unknown ? a : a * d), 1);
        if (known === 0 || total % known) fail(node, `The input tensor cannot be reshaped to the requested shape. Input shape:{${x!.dims.join(',')}}, requested shape:{${wanted.join(',')}}`);
        dims[unknown] = total / known;
      }
      if (dims.some((d) => d < 0) || size(dims) !== total) fail(node, `The input tensor cannot be reshaped to the requested shape. Input shape:{${x!.dims.join(',')}}, requested shape:{${wanted.join(',')}}`);
      return [{ type: t, dims, data: x!.data }];
    },
  };
}

/** An attribute an operator reads: its kind (proto.ts ATTRIBUTE_*) and the first opset that has it. */
interface AttributeSpec {
  readonly kind: number;
  readonly since?: number;
}

/** What onnxruntime checks of a node before it loads the model, and how the evaluator prepares it. */
export interface OperatorSpec {
  readonly prepare: Preparer;
  /** Every attribute the operator has (at the opsets the evaluator takes); any other is refused, as onnxruntime refuses it. */
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Fewest and most inputs. */
  readonly inputs: readonly [number, number];
}

const INT = { kind: ATTRIBUTE_INT };
const FLOAT = { kind: ATTRIBUTE_FLOAT };
const binary: OperatorSpec = { prepare: prepareBinary, attributes: {}, inputs: [2, 2] };
const unary = (prepare: Preparer): OperatorSpec => ({ prepare, attributes: {}, inputs: [1, 1] });
const argExtreme: OperatorSpec = { prepare: prepareArgExtreme, attributes: { axis: INT, keepdims: INT, select_last_index: { kind: ATTRIBUTE_INT, since: 12 } }, inputs: [1, 1] };

/** The operators of the default domain the evaluator runs, by op type (opsets 7 to MAX_OPSET, see graph.ts). */
export const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  MatMul: { prepare: prepareMatMul, attributes: {}, inputs: [2, 2] },
  Gemm: { prepare: prepareGemm, attributes: { alpha: FLOAT, beta: FLOAT, transA: INT, transB: INT }, inputs: [2, 3] },
  Softmax: { prepare: prepareSoftmax, attributes: { axis: INT }, inputs: [1, 1] },
  ArgMax: argExtreme,
  ArgMin: argExtreme,
  Relu: unary(prepareRelu),
  Sigmoid: unary(prepareUnary(logistic32)),
  Tanh: unary(prepareUnary(tanh32)),
  Cast: { prepare: prepareCast, attributes: { to: INT }, inputs: [1, 1] },
  Identity: unary(prepareIdentity),
  Flatten: { prepare: prepareFlatten, attributes: { axis: INT }, inputs: [1, 1] },
  Reshape: { prepare: prepareReshape, attributes: { allowzero: { kind: ATTRIBUTE_INT, since: 14 } }, inputs: [2, 2] },
};
