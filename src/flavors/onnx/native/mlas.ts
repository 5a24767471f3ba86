// Owns the operators that reproduce MLAS's blocked kernels: MatMul and Gemm (SGEMM's summation order) and Softmax (its exp, lanes and reduction).

import { type CpuKernels, muladd32, softmaxExp32 } from './f32.js';
import { attrFloat, attrInt, broadcastDims, fail, float32Only, fround, type OpContext, type PreparedOp, size } from './op-kit.js';

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

export function prepareMatMul(ctx: OpContext): PreparedOp | string {
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

export function prepareGemm(ctx: OpContext): PreparedOp | string {
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

export function prepareSoftmax(ctx: OpContext): PreparedOp | string {
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
