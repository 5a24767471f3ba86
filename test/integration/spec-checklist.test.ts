// The conformance checklist of the serving spec (§8.2–8.13), replayed through real HTTP against fixture models.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/server.js';
import { makeModel, ECHO_PARAMS, LLM_ECHO, type ModelSpec } from '../helpers/model-dir.js';
import type { ServerHandle } from '../../src/serve.js';

const col = (name: string, type: string, required = true) => ({ type, name, required });
const MODELS: Record<string, ModelSpec> = {
  E0: {},
  E0p: { source: ECHO_PARAMS },
  E1: { inputs: [col('a', 'double'), col('b', 'long'), col('c', 'string', false)] },
  E1b: { inputs: [col('b', 'double'), col('a', 'long', false)] },
  E2: { inputs: [{ type: 'double', required: true }, { type: 'double', required: true }] },
  E3: { inputs: [col('text', 'string')] },
  Eus: { inputs: [{ type: 'string', required: true }] },
  Eint: { inputs: [col('x', 'integer')] },
  Elong: { inputs: [col('x', 'long')] },
  Efloat: { inputs: [col('x', 'float')] },
  Edouble: { inputs: [col('x', 'double')] },
  Ebool: { inputs: [col('x', 'boolean')] },
  Estr: { inputs: [col('x', 'string')] },
  Ebin: { inputs: [col('x', 'binary')] },
  Edt: { inputs: [col('x', 'datetime')] },
  E4: { inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }] },
  E5: {
    inputs: [
      { name: 'a', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } },
      { name: 'b', type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } },
    ],
  },
  E6: {
    source: ECHO_PARAMS,
    params: [
      { name: 'temperature', default: 0.5, shape: null, type: 'double' },
      { name: 'max_tokens', default: 20, shape: null, type: 'long' },
      { name: 'stops', default: ['a'], shape: [-1], type: 'string' },
      { name: 'when', default: '2023-01-01', shape: null, type: 'datetime' },
    ],
  },
  Aq: { inputs: [{ type: 'array', items: { type: 'string' }, name: 'q', required: true }, col('t', 'string', false)] },
  Adq: { inputs: [{ type: 'array', items: { type: 'double' }, name: 'q', required: true }] },
  Alq: { inputs: [{ type: 'array', items: { type: 'long' }, name: 'q', required: true }] },
  Alqo: { inputs: [{ type: 'array', items: { type: 'long' }, name: 'q', required: false }] },
  Oo: {
    inputs: [
      { type: 'object', properties: { a: { type: 'string', required: true }, b: { type: 'long', required: false } }, name: 'o', required: true },
    ],
  },
  Mm: { inputs: [{ type: 'map', values: { type: 'long' }, name: 'm', required: true }] },
  Oq: { inputs: [{ type: 'object', properties: { a: { type: 'string', required: true } }, name: 'query', required: true }, col('name', 'string')] },
  Any: { inputs: [{ type: 'any', name: 'a', required: false }] },
  L1: { source: LLM_ECHO },
  L1s: {
    source: LLM_ECHO,
    inputs: [
      { type: 'array', items: { type: 'object', properties: { role: { type: 'string', required: true }, content: { type: 'string', required: true } } }, name: 'messages', required: true },
    ],
    params: [
      { name: 'temperature', default: 0.5, shape: null, type: 'double' },
      { name: 'max_tokens', default: 20, shape: null, type: 'integer' },
      { name: 'top_p', default: 0.9, shape: null, type: 'double' },
    ],
  },
  L1t: {
    source: LLM_ECHO,
    inputs: [
      { type: 'array', items: { type: 'object', properties: { role: { type: 'string', required: true }, content: { type: 'string', required: true } } }, name: 'messages', required: true },
    ],
    params: [{ name: 'temperature', default: 0.5, shape: null, type: 'double' }],
  },
  L1p: {
    source: LLM_ECHO,
    inputs: [col('prompt', 'string')],
    params: [
      { name: 'temperature', default: 0.5, shape: null, type: 'double' },
      { name: 'max_tokens', default: 20, shape: null, type: 'integer' },
      { name: 'top_p', default: 0.9, shape: null, type: 'double' },
    ],
  },
  Lcols: { source: LLM_ECHO, inputs: [col('prompt', 'string'), col('temperature', 'double', false), col('max_tokens', 'long', false)] },
  Ltemp: { source: LLM_ECHO, params: [{ name: 'temperature', default: 0.5, shape: null, type: 'double' }] },
  Text: { source: 'export function predict() { return "just text"; }\n' },
  Bytes: { source: 'export function predict() { return [Buffer.alloc(60, 120)]; }\n' },
  F32: { source: 'export function predict() { return new Float32Array([0.1, 1.0]); }\n' },
  Throws: { source: 'export function predict() { throw new Error("boom"); }\n' },
  SetOut: { source: 'export function predict() { return new Set([1]); }\n' },
};

interface Item {
  id: string;
  model: keyof typeof MODELS;
  body: string;
  ct?: string;
  status: number;
  exact?: string;
  contains?: string[];
  code?: string;
}

const MSG = { envelope: 'The input must be a JSON dictionary with exactly one of the input fields' };
const ITEMS: Item[] = [
  { id: '18', model: 'E0', body: 'this is,,,, not valid json', status: 400, code: 'BAD_REQUEST', contains: ['Invalid input. Ensure that input is a valid JSON formatted string.'] },
  { id: '19', model: 'E0', body: '', status: 400, code: 'BAD_REQUEST', contains: ['Ensure that input is a valid JSON'] },
  { id: '20', model: 'E0', body: '[1]', status: 400, code: 'BAD_REQUEST', contains: [MSG.envelope, 'Received a list.'] },
  { id: '21a', model: 'E0', body: '1', status: 400, code: 'BAD_REQUEST', contains: ['Received unexpected input type'] },
  { id: '21b', model: 'E0', body: 'null', status: 400, code: 'BAD_REQUEST', contains: ['Received unexpected input type'] },
  { id: '22', model: 'E0', body: '{"not": "a serialized dataframe"}', status: 400, code: 'BAD_REQUEST', contains: ['Received dictionary with input fields: []', 'IMPORTANT: The MLflow Model scoring protocol has changed'] },
  { id: '23', model: 'E0', body: '{"dataframe_records": [], "dataframe_split": {"data": []}}', status: 400, code: 'BAD_REQUEST', contains: ["'dataframe_split'", "'dataframe_records'"] },
  { id: '24', model: 'E0', body: '{"inputs": [1, 2], "foo": 1}', status: 200, exact: '{"predictions": [1, 2]}' },
  { id: '30', model: 'E0', body: '{"dataframe_split": [{"a": 1}]}', status: 400, code: 'BAD_REQUEST', contains: ['Invalid input. Dataframe split format must be a dictionary. Got list.'] },
  { id: '31', model: 'E0', body: '{"dataframe_records": {"a": [1]}}', status: 400, code: 'BAD_REQUEST', contains: ['Invalid input. Dataframe records format must be a list of records. Got dictionary.'] },
  { id: '32a', model: 'E0', body: '{"dataframe_split": {"columns": ["a"]}}', status: 400, code: 'BAD_REQUEST', contains: ["Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields."] },
  { id: '32b', model: 'E0', body: '{"dataframe_split": {"data": [[1]], "dtype": "x"}}', status: 400, code: 'BAD_REQUEST', contains: ["must have 'data' field"] },
  { id: '33', model: 'E0', body: '{"dataframe_split": {"index": [1, 2], "data": [[1], [2], [3]]}}', status: 400, code: 'BAD_REQUEST', contains: ["Provided dataframe_split field is not a valid dataframe representation in 'split' format."] },
  { id: '34', model: 'E0', body: '{"dataframe_split": {"data": [[1, 2], [3, 4]]}}', status: 200, exact: '{"predictions": [{"0": 1, "1": 2}, {"0": 3, "1": 4}]}' },
  { id: '35', model: 'E0', body: '{"dataframe_split": {"columns": ["a"], "index": [5, 6], "data": [[1], [2]]}}', status: 200, exact: '{"predictions": [{"a": 1}, {"a": 2}]}' },
  { id: '36', model: 'E0', body: '{"dataframe_records": [{"a": 1, "b": "x"}, {"a": 2.5}]}', status: 200, exact: '{"predictions": [{"a": 1.0, "b": "x"}, {"a": 2.5, "b": NaN}]}' },
  { id: '37', model: 'E0', body: '{"dataframe_records": [{"b": 1, "a": 2}, {"c": 3}]}', status: 200, exact: '{"predictions": [{"b": 1.0, "a": 2.0, "c": NaN}, {"b": NaN, "a": NaN, "c": 3.0}]}' },
  { id: '38a', model: 'E0', body: '{"dataframe_records": [1, 2]}', status: 200, exact: '{"predictions": [{"0": 1}, {"0": 2}]}' },
  { id: '38b', model: 'E0', body: '{"dataframe_records": []}', status: 200, exact: '{"predictions": []}' },
  { id: '40', model: 'E0', body: '{"inputs": [[1, 2], [3, 4]]}', status: 200, exact: '{"predictions": [[1, 2], [3, 4]]}' },
  { id: '41', model: 'E0', body: '{"inputs": {"a": [1, 2], "b": [3.5, 4]}}', status: 200, exact: '{"predictions": {"a": [1, 2], "b": [3.5, 4.0]}}' },
  { id: '42a', model: 'E0', body: '{"inputs": "hello"}', status: 200, exact: '{"predictions": "hello"}' },
  { id: '42b', model: 'E0', body: '{"inputs": 5}', status: 200, exact: '{"predictions": 5}' },
  { id: '42c', model: 'E0', body: '{"inputs": null}', status: 200, exact: '{"predictions": null}' },
  { id: '43', model: 'E0', body: '{"inputs": [1, 2.0]}', status: 200, exact: '{"predictions": [1.0, 2.0]}' },
  { id: '44', model: 'E0', body: '{"inputs": [[1, 2], [3]]}', status: 400, code: 'BAD_REQUEST', contains: ['setting an array element with a sequence'] },
  { id: '45', model: 'E0', body: '{"instances": [{"a": 1, "b": [1, 2]}, {"a": 2, "b": [3, 4]}]}', status: 200, exact: '{"predictions": {"a": [1, 2], "b": [[1, 2], [3, 4]]}}' },
  { id: '46', model: 'E0', body: '{"instances": {"a": [1, 2], "b": [1]}}', status: 400, code: 'BAD_REQUEST', contains: ['Invalid input. The length of values for each input/column name are not the same'] },
  { id: '47', model: 'E0', body: '{"instances": [{"a": "s1", "b": 1}, {"a": "s2", "b": 2, "c": [4, 5, 6]}]}', status: 400, code: 'BAD_REQUEST', contains: ['The length of values for each input/column name are not the same'] },
  { id: '48', model: 'E1', body: '{"dataframe_records": [{"a": 1.0}]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Failed to predict data', 'Failed to enforce schema of data', "Model is missing inputs ['b']."] },
  { id: '50', model: 'E1', body: '{"dataframe_split": {"columns": ["z", "b", "a"], "data": [[9, 1, 2.5]]}}', status: 200, exact: '{"predictions": [{"a": 2.5, "b": 1}]}' },
  { id: '51', model: 'E1', body: '{"dataframe_records": [{"a": 1.0, "b": 2, "c": "x"}]}', status: 200, exact: '{"predictions": [{"a": 1.0, "b": 2, "c": "x"}]}' },
  { id: '52', model: 'E1', body: '{"dataframe_records": [{"a": 1, "b": 2}]}', status: 200, exact: '{"predictions": [{"a": 1.0, "b": 2}]}' },
  { id: '53', model: 'E1', body: '{"inputs": {"a": [1.5, 2.5], "b": [2, 3]}}', status: 200, exact: '{"predictions": [{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]}' },
  { id: '54', model: 'E1', body: '{"inputs": {"a": 1.5, "b": 2}}', status: 200, exact: '{"predictions": [{"a": 1.5, "b": 2}]}' },
  { id: '55', model: 'E1', body: '{"inputs": {"a": [1.5, 2.5], "b": [2]}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['There was an error casting the input data to a DataFrame'] },
  { id: '56a', model: 'E1', body: '{"inputs": [{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]}', status: 200, exact: '{"predictions": [{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]}' },
  { id: '56b', model: 'E1', body: '{"instances": [{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]}', status: 200, exact: '{"predictions": [{"a": 1.5, "b": 2}, {"a": 2.5, "b": 3}]}' },
  { id: '57', model: 'E1', body: '{"instances": [{"a": 1.5, "b": 2}, {"a": 2.5}]}', status: 400, code: 'BAD_REQUEST', contains: ['The length of values for each input/column name are not the same'] },
  { id: '58', model: 'E1b', body: '{"inputs": [{"b": 1.0, "a": 1}, {"b": 2.0}]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Incompatible input types for column a. Can not safely convert float64 to int64.', 'Hint: the type mismatch is likely caused by missing values'] },
  { id: '59', model: 'E1b', body: '{"dataframe_records": [{"b": 1.0, "a": 1}, {"b": 2.0}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column a to type 'int64'"] },
  { id: '60', model: 'Eint', body: '{"dataframe_split": {"columns": ["x"], "data": [[1.5], [2]]}}', status: 200, exact: '{"predictions": [{"x": 1}, {"x": 2}]}' },
  { id: '61', model: 'Elong', body: '{"dataframe_records": [{"x": "12"}]}', status: 200, exact: '{"predictions": [{"x": 12}]}' },
  { id: '62', model: 'Elong', body: '{"dataframe_records": [{"x": "1.5"}]}', status: 400, code: 'BAD_REQUEST', contains: ["Invalid input. Data is not compatible with model signature. Failed to convert column x to type 'int64'."] },
  { id: '63', model: 'Eint', body: '{"dataframe_records": [{"x": 1}, {"x": null}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column x to type 'int32'", 'Cannot convert non-finite values (NA or inf) to integer'] },
  { id: '64', model: 'Eint', body: '{"inputs": {"x": [1, null]}}', status: 400, code: 'BAD_REQUEST', contains: ["int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"] },
  { id: '3.10-a', model: 'Eint', body: '{"inputs": {"x": [3000000000]}}', status: 400, code: 'BAD_REQUEST', contains: ['Invalid input. Python integer 3000000000 out of bounds for int32'] },
  { id: '3.10-b', model: 'Eint', body: '{"dataframe_records": [{"x": 3000000000}]}', status: 200, exact: '{"predictions": [{"x": -1294967296}]}' },
  { id: '65', model: 'Efloat', body: '{"dataframe_records": [{"x": 0.1}]}', status: 200, exact: '{"predictions": [{"x": 0.10000000149011612}]}' },
  { id: '66a', model: 'Edouble', body: '{"dataframe_records": [{"x": 1}, {"x": 2}]}', status: 200, exact: '{"predictions": [{"x": 1.0}, {"x": 2.0}]}' },
  { id: '66b', model: 'Edouble', body: '{"dataframe_records": [{"x": null}]}', status: 200, exact: '{"predictions": [{"x": NaN}]}' },
  { id: '67', model: 'Edouble', body: '{"dataframe_records": [{"x": "abc"}]}', status: 400, code: 'BAD_REQUEST', contains: ["could not convert string to float: 'abc'"] },
  { id: '68a', model: 'Ebool', body: '{"dataframe_records": [{"x": "false"}, {"x": ""}]}', status: 200, exact: '{"predictions": [{"x": true}, {"x": false}]}' },
  { id: '68b', model: 'Ebool', body: '{"dataframe_records": [{"x": 1}, {"x": 0}]}', status: 200, exact: '{"predictions": [{"x": true}, {"x": false}]}' },
  { id: '69a', model: 'Estr', body: '{"dataframe_records": [{"x": 1}]}', status: 200, exact: '{"predictions": [{"x": 1}]}' },
  { id: '69b', model: 'Estr', body: '{"inputs": {"x": [1]}}', status: 200, exact: '{"predictions": [{"x": "1"}]}' },
  { id: '70', model: 'Ebin', body: '{"dataframe_records": [{"x": "aGVsbG8="}]}', status: 200, exact: '{"predictions": [{"x": "aGVsbG8=\\n"}]}' },
  { id: '71a', model: 'Ebin', body: '{"dataframe_records": [{"x": "not base64!"}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column x to type '<class 'object'>'"] },
  { id: '71b', model: 'Ebin', body: '{"dataframe_records": [{"x": 1}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column x to type '<class 'object'>'"] },
  { id: '72', model: 'Ebin', body: '{"inputs": {"x": ["aGVsbG8="]}}', status: 200, exact: '{"predictions": [{"x": "YUdWc2JHOD0=\\n"}]}' },
  { id: '73a', model: 'Edt', body: '{"dataframe_records": [{"x": "2021-01-01"}]}', status: 200, exact: '{"predictions": [{"x": "2021-01-01T00:00:00"}]}' },
  { id: '73b', model: 'Edt', body: '{"dataframe_records": [{"x": null}, {"x": "2021-01-01"}]}', status: 200, exact: '{"predictions": [{"x": "NaT"}, {"x": "2021-01-01T00:00:00"}]}' },
  { id: '74', model: 'Edt', body: '{"dataframe_records": [{"x": "garbage"}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column x to type 'datetime64[ns]'"] },
  { id: '75', model: 'Edt', body: '{"dataframe_records": [{"x": 1609459200}]}', status: 200, exact: '{"predictions": [{"x": "1970-01-01T00:00:01.609459200"}]}' },
  { id: '76a', model: 'E2', body: '{"dataframe_split": {"data": [[1.0, 2.0]]}}', status: 200, exact: '{"predictions": [{"0": 1.0, "1": 2.0}]}' },
  { id: '76b', model: 'E2', body: '{"dataframe_split": {"data": [[1, 2]]}}', status: 200, exact: '{"predictions": [{"0": 1.0, "1": 2.0}]}' },
  { id: '77', model: 'E2', body: '{"dataframe_split": {"data": [[1.0]]}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Model inference is missing inputs. The model signature declares 2 inputs'] },
  { id: '78', model: 'E2', body: '{"dataframe_split": {"data": [[1.0, 2.0, 3.0]]}}', status: 200, exact: '{"predictions": [{"0": 1.0, "1": 2.0}]}' },
  { id: '79', model: 'E2', body: '{"inputs": {"a": [1]}}', status: 400, code: 'BAD_REQUEST', contains: ['This model contains an un-named  model signature which expects a single n-dimensional array or a single value as input'] },
  { id: '80', model: 'E3', body: '{"inputs": ["x", "y"]}', status: 200, exact: '{"predictions": [{"text": "x"}, {"text": "y"}]}' },
  { id: '81', model: 'E3', body: '{"inputs": "x"}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ["Model is missing inputs ['text']. Note that there were extra inputs: [0]."] },
  { id: '82', model: 'Eus', body: '{"inputs": ["a", "b"]}', status: 200, exact: '{"predictions": [{"0": "a"}, {"0": "b"}]}' },
  { id: '83', model: 'Aq', body: '{"inputs": {"q": ["a", "b"], "t": "x"}}', status: 200, exact: '{"predictions": [{"q": ["a", "b"], "t": "x"}]}' },
  { id: '84', model: 'Aq', body: '{"dataframe_records": [{"q": "a"}]}', status: 400, code: 'BAD_REQUEST', contains: ["Failed to convert column q to type 'Array(string)'", 'Expected data to be list or numpy array, got str'] },
  { id: '85a', model: 'Adq', body: '{"dataframe_records": [{"q": [1, 2]}]}', status: 400, code: 'BAD_REQUEST', contains: ['Can not safely convert int64 to float64'] },
  { id: '85b', model: 'Adq', body: '{"dataframe_records": [{"q": [0, 1]}]}', status: 200, exact: '{"predictions": [{"q": [0.0, 1.0]}]}' },
  { id: '85c', model: 'Adq', body: '{"dataframe_records": [{"q": [0.5, 1]}]}', status: 200, exact: '{"predictions": [{"q": [0.5, 1.0]}]}' },
  { id: '86a', model: 'Alq', body: '{"dataframe_records": [{"q": null}]}', status: 400, code: 'BAD_REQUEST', contains: ['got NoneType'] },
  { id: '86b', model: 'Alqo', body: '{"dataframe_records": [{"q": null}]}', status: 200, exact: '{"predictions": [{"q": null}]}' },
  { id: '86c', model: 'Alq', body: '{"dataframe_records": [{"q": []}]}', status: 200, exact: '{"predictions": [{"q": []}]}' },
  { id: '87a', model: 'Oo', body: '{"dataframe_records": [{"o": {"a": "x", "b": 1}}, {"o": {"a": "y"}}]}', status: 200, exact: '{"predictions": [{"o": {"a": "x", "b": 1}}, {"o": {"a": "y"}}]}' },
  { id: '87b', model: 'Oo', body: '{"dataframe_records": [{"o": {"b": 1}}]}', status: 400, code: 'BAD_REQUEST', contains: ["Missing required properties: {'a'}"] },
  { id: '87c', model: 'Oo', body: '{"dataframe_records": [{"o": {"a": "x", "z": 1}}]}', status: 400, code: 'BAD_REQUEST', contains: ["Invalid properties not defined in the schema found: {'z'}"] },
  { id: '87d', model: 'Oo', body: '{"dataframe_records": [{"o": {"a": 1}}]}', status: 400, code: 'BAD_REQUEST', contains: ['Failed to enforce schema for key `a`. Expected type string, received type int'] },
  { id: '88a', model: 'Mm', body: '{"dataframe_records": [{"m": {"x": 1, "y": 2}}, {"m": {}}]}', status: 200, exact: '{"predictions": [{"m": {"x": 1, "y": 2}}, {"m": {}}]}' },
  { id: '88b', model: 'Mm', body: '{"dataframe_records": [{"m": {"x": "a"}}]}', status: 400, code: 'BAD_REQUEST', contains: ['Failed to enforce schema of data `a` with dtype `long`'] },
  { id: '89', model: 'Oq', body: '{"instances": [{"query": {"a": "b"}, "name": "A"}, {"query": {"a": "c"}, "name": "B"}]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Failed to enforce schema'] },
  { id: '90a', model: 'Oq', body: '{"inputs": [{"query": {"a": "b"}, "name": "A"}, {"query": {"a": "c"}, "name": "B"}]}', status: 200, exact: '{"predictions": [{"query": {"a": "b"}, "name": "A"}, {"query": {"a": "c"}, "name": "B"}]}' },
  { id: '90b', model: 'Oq', body: '{"dataframe_records": [{"query": {"a": "b"}, "name": "A"}, {"query": {"a": "c"}, "name": "B"}]}', status: 200, exact: '{"predictions": [{"query": {"a": "b"}, "name": "A"}, {"query": {"a": "c"}, "name": "B"}]}' },
  { id: '91', model: 'Any', body: '{"dataframe_records": [{"a": {"x": [1, null]}}, {"a": "s"}]}', status: 200, exact: '{"predictions": [{"a": {"x": [1, null]}}, {"a": "s"}]}' },
  { id: '92a', model: 'E4', body: '{"inputs": [[1, 2, 3], [4, 5, 6]]}', status: 200, exact: '{"predictions": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}' },
  { id: '92b', model: 'E4', body: '{"instances": [[1, 2, 3], [4, 5, 6]]}', status: 200, exact: '{"predictions": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}' },
  { id: '93', model: 'E4', body: '{"inputs": [[1, 2], [4, 5]]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Shape of input (2, 2) does not match expected shape (-1, 3).'] },
  { id: '94a', model: 'E4', body: '{"dataframe_split": {"data": [[1, 2, 3]]}}', status: 200, exact: '{"predictions": [[1.0, 2.0, 3.0]]}' },
  { id: '94b', model: 'E4', body: '{"dataframe_split": {"data": [[1, 2]]}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['the input shape must be of the structure (-1, number_of_dataframe_columns)'] },
  { id: '95', model: 'E4', body: '{"inputs": [["a", "b", "c"]]}', status: 400, code: 'BAD_REQUEST', contains: ["Invalid input. could not convert string to float: 'a'"] },
  { id: '96', model: 'E4', body: '{"inputs": {"x": [[1, 2, 3]]}}', status: 400, code: 'BAD_REQUEST', contains: ['un-named  model signature'] },
  { id: '97a', model: 'E5', body: '{"inputs": {"a": [[1, 2]], "b": [5]}}', status: 200, exact: '{"predictions": {"a": [[1.0, 2.0]], "b": [5]}}' },
  { id: '97b', model: 'E5', body: '{"inputs": {"a": [[1, 2]], "b": [5], "c": [1]}}', status: 200, exact: '{"predictions": {"a": [[1.0, 2.0]], "b": [5]}}' },
  { id: '98', model: 'E5', body: '{"inputs": {"a": [[1, 2]]}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ["Model is missing inputs ['b']."] },
  { id: '99', model: 'E5', body: '{"instances": [{"a": [1, 2], "b": 5}, {"a": [3, 4], "b": 6}]}', status: 200, exact: '{"predictions": {"a": [[1.0, 2.0], [3.0, 4.0]], "b": [5, 6]}}' },
  { id: '100a', model: 'E5', body: '{"dataframe_records": [{"a": [1, 2], "b": 5}]}', status: 200, exact: '{"predictions": {"a": [[1.0, 2.0]], "b": [5]}}' },
  { id: '100b', model: 'E5', body: '{"dataframe_records": [{"a": 1, "b": 5}]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['contains scalar values, which requires the shape to be (-1,) or (-1, 1)'] },
  { id: '101', model: 'E0', ct: 'text/csv', body: 'a,b\n1,2.5\n3,x\n', status: 200, exact: '{"predictions": [{"a": 1, "b": "2.5"}, {"a": 3, "b": "x"}]}' },
  { id: '102', model: 'E0', ct: 'text/csv', body: '', status: 400, code: 'BAD_REQUEST', contains: ['Failed to parse input as a Pandas DataFrame', 'No columns to parse from file'] },
  { id: '104b', model: 'E1', ct: 'text/csv', body: 'a\n1\n', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ["Model is missing inputs ['b']."] },
  { id: '107', model: 'E0p', ct: 'text/csv', body: 'x\n1\n', status: 200, exact: '{"predictions": {"params": null}}' },
  { id: '109', model: 'E6', body: '{"inputs": [1]}', status: 200, exact: '{"predictions": {"params": {"temperature": 0.5, "max_tokens": 20, "stops": ["a"], "when": "2023-01-01"}}}' },
  { id: '110', model: 'E6', body: '{"inputs": [1], "params": {"max_tokens": 5, "zzz": 1}}', status: 200, exact: '{"predictions": {"params": {"max_tokens": 5, "temperature": 0.5, "stops": ["a"], "when": "2023-01-01"}}}' },
  { id: '111', model: 'E6', body: '{"inputs": [1], "params": {"temperature": 1}}', status: 200, contains: ['"temperature": 1.0'] },
  { id: '112', model: 'E6', body: '{"inputs": [1], "params": [1]}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ["Parameters must be a dictionary. Got type 'list'."] },
  { id: '113', model: 'E6', body: '{"inputs": [1], "params": {"temperature": "hot"}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Invalid parameters found', "Failed to validate type and shape for 'temperature'"] },
  { id: '114a', model: 'E6', body: '{"inputs": [1], "params": {"max_tokens": 2.0}}', status: 400, code: 'INVALID_PARAMETER_VALUE' },
  { id: '114b', model: 'E6', body: '{"inputs": [1], "params": {"max_tokens": true}}', status: 400, code: 'INVALID_PARAMETER_VALUE' },
  { id: '114c', model: 'E6', body: '{"inputs": [1], "params": {"max_tokens": "3"}}', status: 400, code: 'INVALID_PARAMETER_VALUE' },
  { id: '115a', model: 'E6', body: '{"inputs": [1], "params": {"stops": "x"}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Value must be a 1D array with shape (-1,)'] },
  { id: '115b', model: 'E6', body: '{"inputs": [1], "params": {"stops": [1]}}', status: 400, code: 'INVALID_PARAMETER_VALUE' },
  { id: '115c', model: 'E6', body: '{"inputs": [1], "params": {"stops": ["x", "y"]}}', status: 200, contains: ['"stops": ["x", "y"]'] },
  { id: '116a', model: 'E6', body: '{"inputs": [1], "params": {"when": "2024-02-03T04:05:06"}}', status: 200, contains: ['"when": "2024-02-03T04:05:06"'] },
  { id: '116b', model: 'E6', body: '{"inputs": [1], "params": {"when": "garbage"}}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Failed to convert value `garbage` from type `<class \'str\'>` to `DataType.datetime`'] },
  { id: '117', model: 'E6', body: '{"inputs": [1], "params": {"temperature": null}}', status: 200, contains: ['"temperature": null'] },
  { id: '118a', model: 'E0p', body: '{"inputs": [1], "params": {"x": 1}}', status: 200, exact: '{"predictions": {"params": {}}}' },
  { id: '118b', model: 'E0p', body: '{"inputs": [1]}', status: 200, exact: '{"predictions": {"params": null}}' },
  { id: '120', model: 'L1', body: '{"messages": [{"role": "user", "content": "hello!"}], "temperature": 0.5, "max_tokens": 20}', status: 200, exact: '{"model_input": {"messages": [{"role": "user", "content": "hello!"}], "temperature": 0.5, "max_tokens": 20}, "params": {}}' },
  { id: '121', model: 'L1s', body: '{"messages": [{"role": "user", "content": "hello!"}], "temperature": 0.5, "max_tokens": 20}', status: 200, exact: '{"model_input": {"messages": [{"role": "user", "content": "hello!"}]}, "params": {"temperature": 0.5, "max_tokens": 20, "top_p": 0.9}}' },
  { id: '122', model: 'L1t', body: '{"messages": [{"role": "user", "content": "hello!"}], "temperature": 0.5, "max_tokens": 20}', status: 200, exact: '{"model_input": {"messages": [{"role": "user", "content": "hello!"}]}, "params": {"temperature": 0.5}}' },
  { id: '123', model: 'L1p', body: '{"prompt": "hello!", "temperature": 0.5, "max_tokens": 20}', status: 200, exact: '{"model_input": {"prompt": "hello!"}, "params": {"temperature": 0.5, "max_tokens": 20, "top_p": 0.9}}' },
  { id: '124', model: 'L1', body: '{"input": "hello!", "random": "test"}', status: 200, exact: '{"model_input": {"input": "hello!", "random": "test"}, "params": {}}' },
  { id: '125a', model: 'L1', body: '{"prompt": "hi", "inputs": [1]}', status: 200, exact: '{"model_input": {"prompt": "hi", "inputs": [1]}, "params": {}}' },
  { id: '125b', model: 'L1', body: '{"prompt": "hi", "params": {"temperature": 1}}', status: 200, exact: '{"model_input": {"prompt": "hi", "params": {"temperature": 1}}, "params": {}}' },
  { id: '126', model: 'Text', body: '{"prompt": "x"}', status: 200, exact: '"just text"' },
  { id: '127b', model: 'L1s', body: '{"messages": [{"role": "user", "content": "x"}], "max_tokens": 3.0}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ["Failed to validate type and shape for 'max_tokens'"] },
  { id: '127c', model: 'L1s', body: '{"messages": [{"role": "user", "content": "x"}], "temperature": 1.0}', status: 200, contains: ['"temperature": 1.0'] },
  { id: '2.2-cols', model: 'Lcols', body: '{"prompt": "hello!", "temperature": 1.0, "max_tokens": 20}', status: 200, exact: '{"model_input": {"prompt": "hello!", "temperature": 1.0, "max_tokens": 20}, "params": {}}' },
  { id: '127', model: 'Ltemp', body: '{"prompt": "x", "temperature": "hot"}', status: 400, code: 'INVALID_PARAMETER_VALUE', contains: ['Invalid parameters found'] },
  { id: '128', model: 'F32', body: '{"inputs": [1]}', status: 200, exact: '{"predictions": [0.10000000149011612, 1.0]}' },
  { id: '129a', model: 'E0', body: '{"inputs": [1.0, 1e-5, 1e16, 0.1, 2.5e300]}', status: 200, exact: '{"predictions": [1.0, 1e-05, 1e+16, 0.1, 2.5e+300]}' },
  { id: '129b', model: 'E0', body: '{"inputs": ["é", "😀", "tab\\t"]}', status: 200, exact: '{"predictions": ["\\u00e9", "\\ud83d\\ude00", "tab\\t"]}' },
  { id: '130', model: 'Bytes', body: '{"inputs": [1]}', status: 200, exact: `{"predictions": ["${'eHh4'.repeat(19)}\\n${'eHh4'.repeat(1)}\\n"]}` },
  { id: '131', model: 'Throws', body: '{"inputs": [1]}', status: 400, code: 'BAD_REQUEST', contains: ['Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference.'] },
  { id: 'order-1', model: 'E0', body: '{"dataframe_records": [{"b": 1, "1": 2}]}', status: 200, exact: '{"predictions": [{"b": 1, "1": 2}]}' },
  { id: 'order-2', model: 'E0', body: '{"inputs": {"b": [1], "1": [2]}}', status: 200, exact: '{"predictions": {"b": [1], "1": [2]}}' },
  { id: 'order-3', model: 'L1', body: '{"prompt": "p", "9": 1}', status: 200, exact: '{"model_input": {"prompt": "p", "9": 1}, "params": {}}' },
  { id: 'order-4', model: 'E0p', body: '{"dataframe_records": [{"b": 1, "1": 2}]}', status: 200, exact: '{"predictions": {"params": null}}' },
  { id: 'float-1', model: 'E0', body: '{"inputs": 1.0}', status: 200, exact: '{"predictions": 1.0}' },
  { id: 'float-2', model: 'E0', body: '{"inputs": {"a": 1.0, "b": 2}}', status: 200, exact: '{"predictions": {"a": 1.0, "b": 2}}' },
  { id: 'float-3', model: 'E0', body: '{"instances": [{"a": 1.0}, {"a": 2.0}]}', status: 200, exact: '{"predictions": {"a": [1.0, 2.0]}}' },
  { id: 'float-4', model: 'E0', body: '{"inputs": [{"a": 1.0}]}', status: 200, exact: '{"predictions": [{"a": 1.0}]}' },
  { id: 'float-5', model: 'Edouble', body: '{"instances": [{"x": 1.0}, {"x": 2.0}]}', status: 200, exact: '{"predictions": [{"x": 1.0}, {"x": 2.0}]}' },
  { id: '133', model: 'SetOut', body: '{"inputs": [1]}', status: 500, code: 'INTERNAL_ERROR' },
];

describe('spec §8 checklist through HTTP', () => {
  const servers = new Map<string, Promise<ServerHandle>>();
  const serverFor = (model: string): Promise<ServerHandle> => {
    let s = servers.get(model);
    if (!s) servers.set(model, (s = startServer(makeModel(MODELS[model]))));
    return s;
  };
  after(async () => {
    for (const s of servers.values()) await (await s).close();
  });
  for (const item of ITEMS) {
    it(`item ${item.id} (${item.model}): ${item.body.slice(0, 70)} → ${item.status}`, async () => {
      const server = await serverFor(item.model);
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': item.ct ?? 'application/json' }, body: item.body });
      const text = await res.text();
      assert.equal(res.status, item.status, text);
      if (item.exact !== undefined) assert.equal(text, item.exact);
      if (item.code) assert.equal(JSON.parse(text.replace(/\bNaN\b/g, 'null')).error_code, item.code, text);
      for (const c of item.contains ?? []) assert.ok(text.includes(JSON.stringify(c).slice(1, -1)) || text.includes(c), `expected ${JSON.stringify(c)} in ${text}`);
      if (res.status === 400 && item.code === 'INVALID_PARAMETER_VALUE') assert.match(text, /Failed to predict data/);
    });
  }
});
