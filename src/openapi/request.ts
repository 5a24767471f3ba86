// Owns the JSON Schemas of `/invocations` request bodies for one signature: every envelope MLflow accepts and unified LLM payloads (spec §2.2–2.8).

import type { ColSpec, Schema, Signature, TensorSpec } from '../schema/types.js';
import { colTypeSchema, dtypeSchema, paramSchema, shapedSchema, tensorSchema, type JsonSchema } from './json-schema.js';

/** MLflow's input envelopes: exactly one per request (spec §2.3). */
export const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
/** Keys that make a body a unified LLM payload, checked before the envelope (spec §2.2). */
export const LLM_KEYS = ['messages', 'prompt', 'input'] as const;

/** One named input as the `dataframe_*` forms see it: a column (or a named tensor's rows). */
interface FrameColumn {
  readonly name: string;
  readonly cell: JsonSchema;
  readonly required: boolean;
}

/** Named schemas of a request body, referenced from the `InvocationRequest` union. */
export type RequestSchemas = Record<string, JsonSchema>;

/** True when the signature's inputs name a unified LLM field (`messages`, `prompt` or `input`): a chat or completions model. */
export function isLlmSignature(signature: Signature | undefined): boolean {
  const inputs = signature?.inputs;
  return inputs?.kind === 'columns' && inputs.specs.some((s) => s.name !== undefined && (LLM_KEYS as readonly string[]).includes(s.name));
}

function acceptsNull(schema: JsonSchema): boolean {
  if (typeof schema === 'boolean') return schema;
  if (!('type' in schema)) return !('anyOf' in schema);
  return Array.isArray(schema.type) ? schema.type.includes('null') : schema.type === 'null';
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** An object with exactly one envelope key, `params`, no LLM key; other keys are ignored (spec §2.3). */
function envelope(key: (typeof FORMAT_KEYS)[number], value: JsonSchema): JsonSchema {
  const others = [...FORMAT_KEYS.filter((k) => k !== key), ...LLM_KEYS];
  return {
    type: 'object',
    required: [key],
    properties: { [key]: value, params: ref('Params'), ...Object.fromEntries(others.map((k) => [k, false])) },
  };
}

/** The cell of a named tensor in a frame: a scalar for `(-1,)`/`(-1, 1)`, else a list of the remaining shape (spec §3.7). */
function tensorCell(spec: TensorSpec): JsonSchema {
  const rest = spec.shape.slice(1);
  const element = dtypeSchema(spec.dtype, 'lenient');
  const list = shapedSchema(rest, element);
  return rest.length === 0 || (rest.length === 1 && rest[0] === 1) ? { anyOf: [element, list] } : list;
}

function frameColumns(schema: Schema): FrameColumn[] {
  if (schema.kind === 'columns') return schema.specs.map((s) => ({ name: s.name ?? '', cell: colTypeSchema(s.type, 'lenient', s.required), required: s.required }));
  return schema.specs.map((s) => ({ name: s.name ?? '', cell: tensorCell(s), required: true }));
}

/** Rows whose cells follow `columns` positionally (extra cells allowed unless `exact`); a one-column frame may also list bare values. */
function rowsOf(columns: readonly FrameColumn[], exact = true): JsonSchema {
  const n = columns.length;
  const row = { type: 'array', prefixItems: columns.map((c) => c.cell), minItems: n, ...(exact ? { maxItems: n } : {}) };
  return { type: 'array', items: n === 1 ? { anyOf: [row, columns[0].cell] } : row };
}

/** Frame rows of an unnamed tensor: one cell holding the rest of the shape, or (shape `(-1, k)`) k scalar columns (spec §3.7). */
function tensorRows(spec: TensorSpec): JsonSchema {
  const rest = spec.shape.slice(1);
  const element = dtypeSchema(spec.dtype, 'lenient');
  const forms: JsonSchema[] = [{ type: 'array', prefixItems: [tensorCell(spec)], minItems: 1, maxItems: 1 }];
  if (rest.length === 1 && rest[0] > 1) forms.push({ type: 'array', items: element, minItems: rest[0], maxItems: rest[0] });
  return { type: 'array', items: forms.length === 1 ? forms[0] : { anyOf: forms } };
}

/** `dataframe_split` and `dataframe_records` of unnamed inputs: cells by position. */
function unnamedFrames(schema: Schema, columns: readonly FrameColumn[]): [JsonSchema, JsonSchema] {
  const data = schema.kind === 'tensors' ? tensorRows(schema.specs[0]) : rowsOf(columns, false);
  const split = { type: 'object', required: ['data'], properties: { columns: { type: 'array' }, data, index: { type: 'array' } }, additionalProperties: false };
  return [split, { type: 'array', items: { type: 'object' }, minItems: 1 }];
}

/**
 * `dataframe_split` for named inputs: the required names among `columns`; when `columns` lists the
 * signature's inputs in order (all, or the required ones), every cell is typed.
 */
function dataframeSplit(columns: readonly FrameColumn[]): JsonSchema {
  const required = columns.filter((c) => c.required);
  const orders = [columns, required].filter((o, i, all) => o.length > 0 && (i === 0 || o.length !== all[0].length));
  return {
    type: 'object',
    required: required.length ? ['columns', 'data'] : ['data'],
    properties: {
      columns: { type: 'array', items: { type: ['string', 'integer'] }, ...(required.length ? { allOf: required.map((c) => ({ contains: { const: c.name } })) } : {}) },
      data: { type: ['array', 'object'] },
      index: { type: 'array' },
    },
    additionalProperties: false,
    allOf: orders.map((o) => ({
      if: { required: ['columns'], properties: { columns: { const: o.map((c) => c.name) } } },
      then: { properties: { data: rowsOf(o) } },
    })),
  };
}

/** One record of named inputs; a required input whose cell cannot be null (NaN) must be in every record. */
function record(columns: readonly FrameColumn[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.name, c.cell])),
    required: columns.filter((c) => c.required && !acceptsNull(c.cell)).map((c) => c.name),
  };
}

/** `dataframe_records`: records; a required input missing from some records is NaN there, but must appear in one. */
function dataframeRecords(columns: readonly FrameColumn[]): JsonSchema {
  const elsewhere = columns.filter((c) => c.required && acceptsNull(c.cell));
  return {
    type: 'array',
    items: record(columns),
    ...(columns.some((c) => c.required) ? { minItems: 1 } : {}),
    ...(elsewhere.length ? { allOf: elsewhere.map((c) => ({ contains: { type: 'object', required: [c.name] } })) } : {}),
  };
}

/** `inputs` for a named column signature: columns as lists (or one row of scalars), records, or one column's values (spec §2.6, §3.4). */
function columnInputs(specs: readonly ColSpec[], columns: readonly FrameColumn[]): JsonSchema {
  const oneRow = specs.some((s) => s.type.kind === 'array' || s.type.kind === 'object');
  const names = columns.filter((c) => c.required).map((c) => c.name);
  const byName = {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.name, oneRow ? c.cell : { anyOf: [{ type: 'array', items: c.cell }, c.cell] }])),
    required: names,
  };
  const forms: JsonSchema[] = [byName, { type: 'array', items: record(columns), minItems: names.length ? 1 : 0 }];
  if (specs.length === 1) forms.push({ type: 'array', items: columns[0].cell });
  return { anyOf: forms };
}

/** `inputs` for tensors: the tensor itself, or named tensors by name (a single named tensor may come bare). */
function tensorInputs(specs: readonly TensorSpec[], named: boolean): JsonSchema {
  if (!named) return tensorSchema(specs[0], 'lenient');
  const byName = {
    type: 'object',
    properties: Object.fromEntries(specs.map((s) => [s.name, tensorSchema(s, 'lenient')])),
    required: specs.map((s) => s.name),
  };
  return specs.length === 1 ? { anyOf: [byName, tensorSchema(specs[0], 'lenient')] } : byName;
}

/** `instances`: rows as objects (pivoted into columns, spec §2.7), or what `inputs` takes. */
function instancesOf(schema: Schema, inputs: JsonSchema, named: boolean): JsonSchema {
  if (!named) return inputs;
  const rows =
    schema.kind === 'columns'
      ? {
          type: 'object',
          properties: Object.fromEntries(schema.specs.map((s) => [s.name, colTypeSchema(s.type, 'lenient', s.required)])),
          // Rows that lack a column make the columns' lengths differ (400), unless it is an Array column.
          required: schema.specs.filter((s) => s.required && s.type.kind !== 'array').map((s) => s.name),
        }
      : {
          type: 'object',
          properties: Object.fromEntries(schema.specs.map((s) => [s.name, shapedSchema(s.shape.slice(1), dtypeSchema(s.dtype, 'lenient'))])),
          required: schema.specs.map((s) => s.name),
        };
  return { anyOf: [{ type: 'array', items: rows, minItems: 1 }, inputs] };
}

/** The unified LLM payload of a chat or completions signature: its inputs and declared params at the top level (spec §2.2). */
function llmRequest(signature: Signature | undefined): JsonSchema {
  const specs = signature?.inputs?.kind === 'columns' ? signature.inputs.specs : [];
  const params = signature?.params ?? [];
  return {
    type: 'object',
    description: 'A unified LLM payload (chat or completions): any of `messages`, `prompt` or `input` at the top level; declared params sit beside them. The answer is not wrapped in `predictions`.',
    properties: {
      ...Object.fromEntries(specs.map((s) => [s.name, colTypeSchema(s.type, 'lenient', s.required)])),
      ...Object.fromEntries(params.map((p) => [p.name, paramSchema(p)])),
    },
    required: specs.filter((s) => s.required).map((s) => s.name as string),
    anyOf: LLM_KEYS.map((k) => ({ required: [k] })),
  };
}

function paramsSchema(signature: Signature | undefined): JsonSchema {
  const params = signature?.params;
  if (!params?.length) return { description: 'The model declares no params: any value is accepted and ignored.' };
  return {
    type: ['object', 'null'],
    description: 'Params; absent ones take their defaults, undeclared ones are ignored.',
    properties: Object.fromEntries(params.map((p) => [p.name, paramSchema(p)])),
  };
}

/**
 * The request schemas of a model: `InvocationRequest` (the union of every accepted JSON body) and
 * the forms it references, named for `components.schemas`.
 */
export function requestSchemas(signature: Signature | undefined, fromTypeHint = false): RequestSchemas {
  const out: RequestSchemas = { Params: paramsSchema(signature) };
  const forms: string[] = [];
  const add = (name: string, schema: JsonSchema): void => {
    out[name] = schema;
    forms.push(name);
  };
  const inputs = signature?.inputs;
  if (fromTypeHint) {
    add('TypeHintRequest', { type: 'object', required: ['inputs'], properties: { inputs: {}, params: ref('Params') }, description: 'Models whose signature comes from type hints take their raw input under `inputs`.' });
  } else if (!inputs) {
    add('DataframeSplitRequest', envelope('dataframe_split', { type: 'object', required: ['data'], properties: { columns: { type: 'array' }, data: { type: ['array', 'object'] }, index: { type: 'array' } }, additionalProperties: false }));
    add('DataframeRecordsRequest', envelope('dataframe_records', { type: 'array' }));
    add('InstancesRequest', envelope('instances', {}));
    add('InputsRequest', envelope('inputs', {}));
    add('LlmRequest', llmRequest(undefined));
  } else {
    const named = inputs.specs.every((s) => s.name !== undefined);
    const columns = frameColumns(inputs);
    const [split, records] = named ? [dataframeSplit(columns), dataframeRecords(columns)] : unnamedFrames(inputs, columns);
    add('DataframeSplitRequest', envelope('dataframe_split', split));
    add('DataframeRecordsRequest', envelope('dataframe_records', records));
    const inputsValue = inputs.kind === 'tensors' ? tensorInputs(inputs.specs, named) : named ? columnInputs(inputs.specs, columns) : { description: 'values converted with the first input spec' };
    add('InstancesRequest', envelope('instances', instancesOf(inputs, inputsValue, named)));
    add('InputsRequest', envelope('inputs', inputsValue));
    if (isLlmSignature(signature)) add('LlmRequest', llmRequest(signature));
  }
  out.InvocationRequest = { anyOf: forms.map(ref) };
  return out;
}
