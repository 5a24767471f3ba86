import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import { colTypeSchema, dataTypeSchema, paramSchema, tensorSchema, type JsonSchema } from './json-schema.js';
import { requestSchemas } from './request.js';
import { parseSignature } from '../schema/signature.js';

const ajv = new Ajv2020.default({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, validateFormats: false });
const valid = (schema: JsonSchema, value: unknown): boolean => ajv.validate(schema as object, value) as boolean;

describe('JSON Schema of MLflow types', () => {
  it('casts column cells leniently as MLflow does: numeric text, truncating numbers, null as NaN except for integers', () => {
    const double = dataTypeSchema('double', 'lenient');
    for (const v of [1.5, 2, '1e3', ' nan ', '-Infinity', true, null]) assert.equal(valid(double, v), true, String(v));
    assert.equal(valid(double, 'abc'), false);
    const long = dataTypeSchema('long', 'lenient');
    for (const v of [3, 1.5, ' 12 ', false]) assert.equal(valid(long, v), true, String(v));
    for (const v of [null, '1.5', 'x']) assert.equal(valid(long, v), false, String(v));
    const datetime = dataTypeSchema('datetime', 'lenient');
    for (const v of ['2024-01-01', '2024-01-01T10:00:00.123', '20240101', 1609459200, null]) assert.equal(valid(datetime, v), true, String(v));
    assert.equal(valid(datetime, 'garbage'), false);
  });

  it('checks Array, Object and Map values strictly, optional ones may be null', () => {
    const messages = colTypeSchema({ kind: 'array', items: { kind: 'object', properties: [{ name: 'content', type: { kind: 'scalar', type: 'string' }, required: true }, { name: 'role', type: { kind: 'scalar', type: 'string' }, required: true }] } }, 'lenient');
    assert.equal(valid(messages, [{ role: 'user', content: 'hi' }]), true);
    assert.equal(valid(messages, [{ role: 'user' }]), false);
    assert.equal(valid(messages, [{ role: 'user', content: 'x', name: 'bob' }]), false);
    assert.equal(valid(messages, null), false);
    assert.equal(valid(colTypeSchema({ kind: 'map', values: { kind: 'scalar', type: 'long' } }, 'lenient', false), null), true);
  });

  it('gives tensors their shape: fixed dimensions exact, -1 any length', () => {
    const schema = tensorSchema({ dtype: 'float32', shape: [-1, 3] }, 'lenient');
    assert.equal(valid(schema, [[1, 2, 3], [4, null, '6']]), true);
    assert.equal(valid(schema, [[1, 2, 3, 4]]), false);
    assert.equal(valid(schema, [[1, 2, 3], [1]]), false);
    assert.equal(valid(schema, [[[1, 2, 3]]]), false);
    assert.equal(valid(tensorSchema({ dtype: 'uint8', shape: [-1] }, 'lenient'), [-1]), false);
  });

  it('types params strictly, with their default, null always accepted', () => {
    const [temperature, flags] = parseSignature({ params: JSON.stringify([{ name: 'temperature', default: 0.5, shape: null, type: 'float' }, { name: 'flags', default: ['a'], shape: [-1], type: 'string' }]) })!.params!;
    assert.deepEqual((paramSchema(temperature) as Record<string, unknown>).default, 0.5);
    assert.equal(valid(paramSchema(temperature), 1), true);
    assert.equal(valid(paramSchema(temperature), '0.7'), false);
    assert.equal(valid(paramSchema(flags), ['x', 'y']), true);
    assert.equal(valid(paramSchema(flags), 'x'), false);
    assert.equal(valid(paramSchema(flags), null), true);
  });
});

describe('request schemas', () => {
  const schemas = (signature: unknown): Record<string, JsonSchema> => requestSchemas(parseSignature(signature));
  const validator = (signature: unknown): ((v: unknown) => boolean) => {
    const a = new Ajv2020.default({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, validateFormats: false });
    a.addSchema({ $id: 's', $defs: JSON.parse(JSON.stringify(schemas(signature)).replaceAll('#/components/schemas/', 's#/$defs/')) });
    return a.compile({ $ref: 's#/$defs/InvocationRequest' });
  };

  it('offers the unified LLM payload only for chat or completions signatures', () => {
    assert.ok('LlmRequest' in schemas({ inputs: JSON.stringify([{ type: 'string', name: 'prompt' }]) }));
    assert.ok(!('LlmRequest' in schemas({ inputs: JSON.stringify([{ type: 'double', name: 'x' }]) })));
  });

  it('requires exactly one envelope, and takes none with an LLM key', () => {
    const validate = validator({ inputs: JSON.stringify([{ type: 'double', name: 'x' }]) });
    assert.equal(validate({ inputs: { x: [1] }, signature_name: 'ignored' }), true);
    assert.equal(validate({ inputs: { x: [1] }, instances: [{ x: 1 }] }), false);
    assert.equal(validate({ inputs: { x: [1] }, prompt: 'hi' }), false);
    assert.equal(validate({}), false);
  });

  it('types dataframe_split cells when the columns follow the signature, and requires the required columns', () => {
    const validate = validator({ inputs: JSON.stringify([{ type: 'long', name: 'a' }, { type: 'string', name: 'b', required: false }]) });
    assert.equal(validate({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x']] } }), true);
    assert.equal(validate({ dataframe_split: { columns: ['a'], data: [[1]] } }), true);
    assert.equal(validate({ dataframe_split: { columns: ['a', 'b'], data: [[null, 'x']] } }), false);
    assert.equal(validate({ dataframe_split: { columns: ['b'], data: [['x']] } }), false);
    assert.equal(validate({ dataframe_split: { columns: ['b', 'a'], data: [['x', 1]] } }), true);
  });
});
