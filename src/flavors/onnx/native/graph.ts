// Owns the native evaluator's graph: checks that every part of an ONNX model is one it runs exactly as onnxruntime does, prepares the nodes once, and runs them in order on each call.
//
// A model with anything else (another operator or domain, a type, external or sparse data, a
// non-tensor input or output) is not compiled: `compileOnnx` says why, and the model runs on onnxruntime.

import type { ValueInfo, WireTensor } from '../protocol.js';
import { cpuKernels, type CpuKernels } from './f32.js';
import { type NativeTensor, type NativeType, OPERATORS, type OperatorSpec, type PreparedOp } from './ops.js';
import { ATTRIBUTE_TENSOR, type OnnxModel, type OnnxNode, type OnnxTensor, readOnnxModel } from './proto.js';
import { type Dim, inferShape, mergeShape } from './shapes.js';

/** Most nodes a graph may have to run natively: larger graphs are not the small models this is for. */
const MAX_NODES = 256;

/** A compiled model: its inputs and outputs as onnxruntime-node reports them, and `run`. */
export interface NativeGraph {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Runs the graph on feeds (checked as onnxruntime checks them) and returns the fetched outputs. */
  run(feeds: Readonly<Record<string, WireTensor>>, fetches: readonly string[]): Record<string, WireTensor>;
}

interface Step {
  readonly op: PreparedOp;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

interface GraphInput {
  readonly name: string;
  readonly slot: number;
  readonly shape: readonly (number | string)[];
}

const ORT_NAMES: Readonly<Record<string, string>> = { float32: 'float', float64: 'double', int64: 'int64', int32: 'int32', bool: 'bool', string: 'string', uint8: 'uint8', int8: 'int8', float16: 'float16' };

/**
 * Opsets and IR versions taken: from opset 7 (numpy broadcasting, no legacy attributes) to the
 * newest this evaluator's operators were checked at; onnxruntime 1.30 loads up to opset 25 and IR 12.
 */
const MIN_OPSET = 7;
const MAX_OPSET = 23;
const MAX_IR_VERSION = 12;


function constant(t: OnnxTensor): NativeTensor | string {
  if (t.external) return `initializer ${t.name} keeps its data in an external file`;
  if (t.inexact) return `initializer ${t.name} holds int64 values past 2^53`;
  if (t.type === 'float32') return { type: 'float32', dims: t.dims, data: t.data };
  if (t.type === 'int64') return { type: 'int64', dims: t.dims, data: t.data };
  return `initializer ${t.name} is ${t.type}`;
}

/** Why onnxruntime would refuse this node's attributes or inputs, if it would (it checks them against the operator's schema). */
function schemaProblem(node: OnnxNode, spec: OperatorSpec, opset: number): string | undefined {
  const [min, max] = spec.inputs;
  if (node.inputs.length < min || node.inputs.length > max) return `${node.opType} with ${node.inputs.length} inputs`;
  if (node.outputs.length !== 1 || node.outputs[0] === '') return `${node.opType} with ${node.outputs.length} outputs`;
  for (const [name, a] of node.attributes) {
    const want = spec.attributes[name];
    if (!want || (want.since ?? 0) > opset || want.kind !== a.type) return `${node.opType} attribute ${name} (type ${a.type}) at opset ${opset}`;
  }
  // Rules of older opsets: Gemm's C is optional from 11, Flatten's axis may be negative from 11.
  if (node.opType === 'Gemm' && opset < 11 && (node.inputs.length < 3 || node.inputs[2] === '')) return 'Gemm without C before opset 11';
  if (node.opType === 'Flatten' && opset < 11 && (node.attributes.get('axis')?.i ?? 1) < 0) return 'Flatten with a negative axis before opset 11';
  return undefined;
}

/** A constant of one element (what onnxruntime's scale fusions look for), or undefined. */
function scalarConstant(c: NativeTensor | undefined): number | undefined {
  return c && c.data.length === 1 ? c.data[0] : undefined;
}

/**
 * Why onnxruntime's default graph optimisations would compute this graph differently from the graph
 * as written, if they would. They fold a scalar Mul or Div into a neighbouring MatMul (FusedMatMul,
 * another rounding), turn Div(1, x) · y into y / x, fuse tanh-based GELU approximations, and drop
 * Add/Sub of 0 and Mul/Div by 1 (which keeps a -0 that the operation turns into 0).
 */
function rewrittenByOnnxruntime(steps: readonly CompiledStep[], producers: ReadonlyMap<number, CompiledStep>, constants: readonly (NativeTensor | undefined)[]): string | undefined {
  const scaleOf = (step: CompiledStep | undefined): boolean =>
    step !== undefined && (step.node.opType === 'Mul' || step.node.opType === 'Div') && step.inputs.some((s) => scalarConstant(constants[s]) !== undefined);
  for (const step of steps) {
    const op = step.node.opType;
    const from = step.inputs.map((s) => producers.get(s));
    if (op === 'MatMul' && scaleOf(from[0])) return 'a scalar Mul or Div feeding a MatMul (onnxruntime fuses them)';
    if ((op === 'Mul' || op === 'Div') && scaleOf(step) && from.some((p) => p?.node.opType === 'MatMul')) return 'a MatMul scaled by a scalar Mul or Div (onnxruntime fuses them)';
    if (op === 'Mul' && from.some((p) => p?.node.opType === 'Div' && scalarConstant(constants[p.inputs[0]!]) === 1)) return 'Div(1, x) times y (onnxruntime computes y / x)';
    if (op === 'Tanh' && from[0]?.node.opType === 'Mul') return 'a Tanh of a Mul (onnxruntime may fuse a GELU approximation)';
    const k = step.inputs.map((s) => scalarConstant(constants[s]));
    if (((op === 'Add' || op === 'Sub') && k.includes(0)) || ((op === 'Mul' || op === 'Div') && k[1] === 1) || (op === 'Mul' && k[0] === 1)) return `${op} by its identity element (onnxruntime drops it)`;
  }
  return undefined;
}

interface CompiledStep extends Step {
  readonly node: OnnxNode;
}

/** Compiles a parsed model, or returns why it cannot run natively. */
function compileModel(model: OnnxModel, cpu: CpuKernels): NativeGraph | string {
  if (model.unsupportedParts) return 'the model has sparse initializers, functions or training parts';
  if (model.irVersion > MAX_IR_VERSION) return `IR version ${model.irVersion}`;
  const opset = model.opsets.get('');
  if (opset === undefined || opset < MIN_OPSET || opset > MAX_OPSET) return `default-domain opset ${opset ?? 'missing'}`;
  if (model.nodes.length > MAX_NODES) return `${model.nodes.length} nodes`;
  const slots = new Map<string, number>();
  const types: (NativeType | undefined)[] = [];
  const shapes: (readonly Dim[] | undefined)[] = [];
  const constants: (NativeTensor | undefined)[] = [];
  /** A new slot for a name not defined before (onnxruntime refuses a name defined twice). */
  const define = (name: string, type: NativeType, shape: readonly Dim[] | undefined): number | undefined => {
    if (name === '' || slots.has(name)) return undefined;
    slots.set(name, types.length);
    types.push(type);
    shapes.push(shape);
    constants.push(undefined);
    return types.length - 1;
  };

  const inputs: GraphInput[] = [];
  for (const input of model.inputs) {
    if (!input.isTensor) return `input ${input.name} is not a tensor`;
    if (input.type !== 'float32') return `input ${input.name} is ${input.type}`;
    if (!input.shape) return `input ${input.name} has no declared shape`;
    const slot = define(input.name, 'float32', input.shape);
    if (slot === undefined) return `the name ${input.name} is defined twice`;
    inputs.push({ name: input.name, slot, shape: input.shape });
  }
  const defineConstant = (name: string, t: OnnxTensor): string | undefined => {
    const c = constant(t);
    if (typeof c === 'string') return c;
    const slot = define(name, c.type, c.dims);
    if (slot === undefined) return `the name ${name} is defined twice`;
    constants[slot] = c;
    return undefined;
  };
  for (const [name, init] of model.initializers) {
    const why = defineConstant(name, init);
    if (why) return why;
  }

  const steps: CompiledStep[] = [];
  const producers = new Map<number, CompiledStep>();
  for (const node of model.nodes) {
    if (node.domain !== '') return `operator ${node.domain}.${node.opType}`;
    if (node.opType === 'Constant') {
      const value = node.attributes.get('value');
      if (!value?.t || value.type !== ATTRIBUTE_TENSOR || node.attributes.size !== 1 || node.outputs.length !== 1 || node.inputs.length !== 0) return 'a Constant node of a kind other than a tensor value';
      const why = defineConstant(node.outputs[0]!, value.t);
      if (why) return why;
      continue;
    }
    const spec = OPERATORS[node.opType];
    if (!spec) return `operator ${node.opType}`;
    const problem = schemaProblem(node, spec, opset);
    if (problem) return problem;
    const inSlots: number[] = [];
    for (const name of node.inputs) {
      if (name === '') {
        inSlots.push(-1);
        continue;
      }
      const s = slots.get(name);
      if (s === undefined) return `node ${node.opType} reads ${name} before it is computed`;
      inSlots.push(s);
    }
    const op = spec.prepare({
      node,
      opset,
      cpu,
      inputTypes: inSlots.map((s) => (s < 0 ? undefined : types[s])),
      constants: inSlots.map((s) => (s < 0 ? undefined : constants[s])),
    });
    if (typeof op === 'string') return op;
    const shape = inferShape(node, opset, inSlots.map((s) => (s < 0 ? undefined : shapes[s])), inSlots.map((s) => (s < 0 ? undefined : constants[s])));
    if (typeof shape === 'string') return `shape inference fails: ${shape}`;
    const out = define(node.outputs[0]!, op.outputTypes[0]!, shape);
    if (out === undefined) return `the name ${node.outputs[0]} is defined twice`;
    const step = { op, inputs: inSlots, outputs: [out], node };
    producers.set(out, step);
    steps.push(step);
  }
  const rewritten = rewrittenByOnnxruntime(steps, producers, constants);
  if (rewritten) return rewritten;

  // A value is borrowed when it may be a feed's or a constant's data; outputs that may be are copied.
  const borrowed = constants.map((c) => c !== undefined);
  for (const i of inputs) borrowed[i.slot] = true;
  for (const step of steps) for (const o of step.outputs) borrowed[o] = step.op.aliases === true && step.inputs[0]! >= 0 && borrowed[step.inputs[0]!]!;

  const outputs: ValueInfo[] = [];
  const outSlots = new Map<string, { slot: number; copy: boolean }>();
  for (const out of model.outputs) {
    if (!out.isTensor) return `output ${out.name} is not a tensor`;
    const s = slots.get(out.name);
    if (s === undefined) return `output ${out.name} is not computed`;
    if (types[s] !== out.type) return `output ${out.name} is declared ${out.type} but computes ${types[s]}`;
    const shape = mergeShape(shapes[s], out.shape);
    if (!shape) return `output ${out.name} is declared [${out.shape?.join(', ')}] but computes [${shapes[s]?.join(', ')}]`;
    outSlots.set(out.name, { slot: s, copy: borrowed[s]! });
    outputs.push({ name: out.name, isTensor: true, type: out.type, shape });
  }
  return new CompiledGraph(inputs, outputs, outSlots, steps, constants);
}

/** Reads and compiles an ONNX file's bytes; the reason as a string when it cannot run natively. */
export function compileOnnx(bytes: Uint8Array): NativeGraph | string {
  let model: OnnxModel;
  try {
    model = readOnnxModel(bytes);
  } catch (err) {
    return `the file could not be read (${(err as Error).message})`;
  }
  return compileModel(model, cpuKernels());
}

class CompiledGraph implements NativeGraph {
  readonly inputs: readonly ValueInfo[];
  /** The values of one run, constants in place; runs are synchronous, so one array serves them all. */
  readonly #values: (NativeTensor | undefined)[];
  /** Each step's argument list, reused. */
  readonly #args: (NativeTensor | undefined)[][];

  constructor(
    readonly graphInputs: readonly GraphInput[],
    readonly outputs: readonly ValueInfo[],
    readonly outSlots: ReadonlyMap<string, { readonly slot: number; readonly copy: boolean }>,
    readonly steps: readonly Step[],
    readonly constants: readonly (NativeTensor | undefined)[],
  ) {
    this.#values = constants.slice();
    this.inputs = graphInputs.map((i) => ({ name: i.name, isTensor: true, type: 'float32', shape: i.shape }));
    this.#args = steps.map((s) => new Array<NativeTensor | undefined>(s.inputs.length).fill(undefined));
  }

  run(feeds: Readonly<Record<string, WireTensor>>, fetches: readonly string[]): Record<string, WireTensor> {
    const values = this.#values;
    try {
      for (const input of this.graphInputs) values[input.slot] = checkFeed(input, feeds[input.name]);
      const steps = this.steps;
      for (let n = 0; n < steps.length; n++) {
        const step = steps[n]!;
        const args = this.#args[n]!;
        for (let i = 0; i < args.length; i++) args[i] = step.inputs[i]! < 0 ? undefined : values[step.inputs[i]!];
        const results = step.op.run(args);
        for (let i = 0; i < step.outputs.length; i++) values[step.outputs[i]!] = results[i];
      }
      const out: Record<string, WireTensor> = {};
      for (const name of fetches) {
        const o = this.outSlots.get(name);
        if (o === undefined) throw new Error(`Invalid Output Name:${name}`);
        out[name] = toWire(values[o.slot]!, o.copy);
      }
      return out;
    } finally {
      // Nothing of this call stays reachable from the graph.
      for (let i = 0; i < values.length; i++) values[i] = this.constants[i];
      for (const args of this.#args) args.fill(undefined);
    }
  }
}

/** The feed as a tensor, after onnxruntime's checks of presence, type, rank and fixed dimensions. */
function checkFeed(input: GraphInput, feed: WireTensor | undefined): NativeTensor {
  if (!feed) throw new Error(`input '${input.name}' is missing in 'feeds'.`);
  if (feed.type !== 'float32') throw new Error(`Unexpected input data type. Actual: (tensor(${ORT_NAMES[feed.type] ?? feed.type})) , expected: (tensor(float))`);
  const { shape } = input;
  if (feed.dims.length !== shape.length) {
    throw new Error(`Invalid rank for input: ${input.name} Got: ${feed.dims.length} Expected: ${shape.length} Please fix either the inputs/outputs or the model.`);
  }
  let bad = '';
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i];
    if (typeof want === 'number' && want !== feed.dims[i]) bad += ` index: ${i} Got: ${feed.dims[i]} Expected: ${want}\n`;
  }
  if (bad) throw new Error(`Got invalid dimensions for input: ${input.name} for the following indices\n${bad} Please fix either the inputs/outputs or the model.`);
  return { type: 'float32', dims: feed.dims, data: feed.data as Float32Array };
}

/** An output as a wire tensor of its own: int64 as BigInt64Array, float32 copied when it may be a feed's or constant's data. */
function toWire(t: NativeTensor, copy: boolean): WireTensor {
  const dims = t.dims.slice();
  if (t.type === 'int64') return { type: 'int64', dims, data: toBigInt64(t.data) };
  return { type: 'float32', dims, data: copy ? (t.data as Float32Array).slice() : (t.data as Float32Array) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Exact integers as int64s: the two 32-bit halves written directly for the common small values (no BigInt per element). */
function toBigInt64(v: Float32Array | Float64Array): BigInt64Array {
  const out = new BigInt64Array(v.length);
  if (v.length <= 16) {
    for (let i = 0; i < v.length; i++) out[i] = BigInt(v[i]!);
    return out;
  }
  const words = new Int32Array(out.buffer);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if ((x | 0) === x) {
      words[2 * i + lo] = x;
      words[2 * i + hi] = x < 0 ? -1 : 0;
    } else out[i] = BigInt(x);
  }
  return out;
}
