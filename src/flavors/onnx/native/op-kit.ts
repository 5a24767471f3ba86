// Owns what every native ONNX operator is written against: the tensors, a prepared operator, and the small helpers they share (attributes, onnxruntime's kind of failure).

import type { OnnxNode } from './proto.js';
import type { CpuKernels } from './f32.js';

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
export type Preparer = (ctx: OpContext) => PreparedOp | string;

export const fround = Math.fround;

export const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export function fail(node: OnnxNode, message: string): never {
  throw new Error(`Non-zero status code returned while running ${node.opType} node. ${message}`);
}

export function attrInt(node: OnnxNode, name: string, dflt: number): number {
  return node.attributes.get(name)?.i ?? dflt;
}

export function attrFloat(node: OnnxNode, name: string, dflt: number): number {
  return node.attributes.get(name)?.f ?? dflt;
}

/** Inputs must all be float32 (the types these kernels are written for). */
export function float32Only(ctx: OpContext, count: number): string | undefined {
  for (let i = 0; i < count; i++) if (ctx.inputTypes[i] !== 'float32') return `${ctx.node.opType} on ${ctx.inputTypes[i] ?? 'a missing input'}`;
  return undefined;
}

/** Numpy-style (multidirectional) broadcast of two shapes, or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
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
