// Owns ONNX shape inference for the native evaluator's operators, and the merge of inferred shapes into declared ones: what onnxruntime checks at load and reports as the model's output shapes.

import type { NativeTensor } from './op-kit.js';
import type { OnnxNode } from './proto.js';

/** A dimension as shape inference sees it: a size, a symbolic name, or '' (unknown). */
export type Dim = number | string;

/** ONNX's multidirectional broadcast of two inferred shapes, or why they do not broadcast. */
function broadcastShape(a: readonly Dim[], b: readonly Dim[]): Dim[] | string {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (typeof x === 'number' && typeof y === 'number' && x !== y && x !== 1 && y !== 1) return `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`;
    out.push(x === 1 ? y : y === 1 || x === y ? x : typeof x === 'number' ? x : typeof y === 'number' ? y : '');
  }
  return out;
}

/** The product of dimensions, or '' when one is not a known size (as ONNX's inference multiplies them). */
function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return '';
    p *= d;
  }
  return p;
}

/** Two dimensions that must be equal (a product's inner dimension), when both are known sizes. */
function clash(x: Dim | undefined, y: Dim | undefined): boolean {
  return typeof x === 'number' && typeof y === 'number' && x !== y;
}

/** Reshape's -1: the input's size over the other target dimensions, symbolic names cancelling out; '' when it does not follow. */
function inferredRest(input: readonly Dim[] | undefined, target: readonly Dim[], unknown: number): Dim {
  if (!input) return '';
  const names = input.filter((d): d is string => typeof d === 'string');
  let inSize = product(input.filter((d) => typeof d === 'number'));
  let outSize = 1;
  for (let i = 0; i < target.length; i++) {
    if (i === unknown) continue;
    const d = target[i]!;
    if (typeof d === 'number') outSize *= d;
    else {
      const at = names.indexOf(d);
      if (d === '' || at < 0) return '';
      names.splice(at, 1);
    }
  }
  if (names.length > 0 || typeof inSize !== 'number' || outSize === 0 || inSize % outSize) return '';
  return inSize / outSize;
}

/**
 * An operator's output shape from its inputs' (undefined: unknown rank), as ONNX's shape inference
 * gives it, or why inference fails (onnxruntime then refuses to load the model).
 */
export function inferShape(node: OnnxNode, opset: number, shapes: readonly (readonly Dim[] | undefined)[], constants: readonly (NativeTensor | undefined)[]): Dim[] | undefined | string {
  const [a, b] = shapes;
  const int = (name: string, dflt: number): number => node.attributes.get(name)?.i ?? dflt;
  const axisOf = (rank: number, dflt: number): number | string => {
    const axis = int('axis', dflt);
    return axis < -rank || axis >= rank + (node.opType === 'Flatten' ? 1 : 0) ? `${node.opType} axis ${axis} out of range for rank ${rank}` : axis < 0 ? axis + rank : axis;
  };
  switch (node.opType) {
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return a && b ? broadcastShape(a, b) : undefined;
    case 'MatMul':
      if (!a || !b || b.length !== 2) return undefined;
      if (a.length === 0 || clash(a[a.length - 1], b[0])) return `MatMul of [${a.join(', ')}] and [${b.join(', ')}]`;
      return [...a.slice(0, -1), b[1]!];
    case 'Gemm': {
      if (!a || !b) return undefined;
      if (a.length !== 2 || b.length !== 2) return 'Gemm of operands that are not 2-D';
      const [rows, k] = int('transA', 0) ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
      const [kb, cols] = int('transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
      if (clash(k, kb)) return `Gemm of [${a.join(', ')}] and [${b.join(', ')}]`;
      const c = shapes[2];
      if (c) {
        const full = broadcastShape(c, [rows, cols]);
        if (typeof full === 'string' || full.length !== 2 || clash(full[0], rows) || clash(full[1], cols)) return `Gemm bias [${c.join(', ')}] for [${rows}, ${cols}]`;
      }
      return [rows, cols];
    }
    case 'ArgMax':
    case 'ArgMin': {
      if (!a) return undefined;
      const axis = axisOf(a.length, 0);
      if (typeof axis === 'string') return axis;
      return int('keepdims', 1) ? a.map((d, i) => (i === axis ? 1 : d)) : a.filter((_, i) => i !== axis);
    }
    case 'Softmax': {
      if (!a) return undefined;
      const axis = axisOf(a.length, opset >= 13 ? -1 : 1);
      return typeof axis === 'string' ? axis : [...a];
    }
    case 'Flatten': {
      if (!a) return undefined;
      const axis = axisOf(a.length, 1);
      if (typeof axis === 'string') return axis;
      return [product(a.slice(0, axis)), product(a.slice(axis))];
    }
    case 'Reshape': {
      const target = constants[1] ? Array.from(constants[1].data) : undefined;
      if (!target) return undefined;
      const allowZero = opset >= 14 && int('allowzero', 0) !== 0;
      if (a && !allowZero && target.some((d, i) => d === 0 && i >= a.length)) return `Reshape to [${target.join(', ')}]: a 0 past the input's rank ${a.length}`;
      const dims: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (a?.[i] ?? '') : d));
      const unknown = dims.indexOf(-1);
      if (dims.some((d, i) => typeof d === 'number' && d < 0 && i !== unknown) || dims.lastIndexOf(-1) !== unknown) return `Reshape to [${target.join(', ')}]`;
      if (unknown >= 0) dims[unknown] = inferredRest(a, dims, unknown);
      const inSize = a ? product(a) : '';
      const outSize = product(dims);
      if (typeof inSize === 'number' && typeof outSize === 'number' && inSize !== outSize) return `Reshape of [${a!.join(', ')}] to [${target.join(', ')}]`;
      return dims;
    }
    default:
      // Elementwise: Relu, Sigmoid, Tanh, Cast, Identity.
      return a ? [...a] : undefined;
  }
}

/**
 * The shape onnxruntime reports for an output: the inferred one merged into the declared one as ONNX
 * merges them (a known size wins over a name; a declared name stays), or undefined when they
 * contradict each other (onnxruntime then warns and reports something else).
 */
export function mergeShape(inferred: readonly Dim[] | undefined, declared: readonly Dim[] | undefined): Dim[] | undefined {
  if (!inferred) return declared ? [...declared] : [];
  if (!declared) return [...inferred];
  if (inferred.length !== declared.length) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < declared.length; i++) {
    const x = inferred[i]!;
    const y = declared[i]!;
    if (typeof x === 'number') {
      if (typeof y === 'number' && y !== x) return undefined;
      out.push(x);
    } else out.push(y === '' ? x : y);
  }
  return out;
}
