// Owns the ONNX operators the native evaluator runs (elementwise, reductions to an index, casts and shapes here; MLAS's blocked kernels in mlas.ts), each computing what onnxruntime's CPU kernel computes, and the table of what onnxruntime checks of each.
//
// Values are float32 (Float32Array) or int64 (a Float64Array of exact integers); an operator
// checks its inputs' shapes when it runs and throws onnxruntime's kind of message when they do not fit.

import { ATTRIBUTE_FLOAT, ATTRIBUTE_INT } from './proto.js';
import { type CpuKernels, logistic32, tanh32 } from './f32.js';
import { prepareGemm, prepareMatMul, prepareSoftmax } from './mlas.js';
import { attrInt, broadcastDims, fail, float32Only, fround, type NativeType, type OpContext, type PreparedOp, type Preparer, size } from './op-kit.js';

export type { NativeTensor, NativeType, PreparedOp } from './op-kit.js';

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

/** An elementwise float32 function (Relu; MLAS's Sigmoid and Tanh). */
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
  // max(x, 0) as onnxruntime computes it: negatives become 0; -0 and NaN pass unchanged.
  Relu: unary(prepareUnary((x) => (x < 0 ? 0 : x))),
  Sigmoid: unary(prepareUnary(logistic32)),
  Tanh: unary(prepareUnary(tanh32)),
  Cast: { prepare: prepareCast, attributes: { to: INT }, inputs: [1, 1] },
  Identity: unary(prepareIdentity),
  Flatten: { prepare: prepareFlatten, attributes: { axis: INT }, inputs: [1, 1] },
  Reshape: { prepare: prepareReshape, attributes: { allowzero: { kind: ATTRIBUTE_INT, since: 14 } }, inputs: [2, 2] },
};
