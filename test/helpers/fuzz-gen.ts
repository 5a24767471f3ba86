// Seeded generator of hostile requests for the fuzz test and bench/fuzz.ts: MLflow JSON and CSV
// bodies, V2 REST and gRPC inference requests, built from each protocol's keys and awkward values
// (huge and empty shapes, deep nesting, out-of-range numbers, broken encodings, random bytes).

/** One generated request: HTTP (method, path, headers, body) or a gRPC ModelInfer message. */
export type FuzzCase =
  | { readonly kind: 'http'; readonly family: string; readonly method: string; readonly path: string; readonly headers: Record<string, string>; readonly body: Buffer }
  | { readonly kind: 'grpc'; readonly family: string; readonly request: Record<string, unknown> };

/** A small deterministic PRNG (mulberry32): the same seed gives the same cases on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['c_double', 'c_float', 'c_long', 'c_int', 'c_bool', 'c_str', 'c_bin', 'c_dt', 'x', 'note', 'text', 'messages', 'role', 'content', 'input', 'a', '0', '__proto__', 'constructor', 'temperature', 'max_tokens', 'flags', ''];
const LEAF_TEXT = ['1', '0', '-1', '1.5', '1e308', '-0', '1152921504606846976', '18446744073709551621', '1e400', '-1e400', '99999999999999999999999999999999', 'null', 'true', 'false', '""', '"x"', '"2024-01-01"', '"99999-01-01"', '"1500-01-01T00:00"', '"aGVsbG8="', '"==="', '"NaN"', 'NaN', 'Infinity', '-Infinity', '1e-320', '"\\u0000"', '"\\ud800"', '"\u00e9\u6f22"', '{}', '[]'];
const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES', 'BF16', 'fp32', ''];
const V2_CONTENT = ['pd', 'np', 'dict', 'str', 'base64', 'datetime', 'pd_json', 'zz', ''];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/csv', 'application/csv', 'text/csv; charset=latin-1', 'application/json; format=pandas-split', 'text/plain', 'multipart/form-data; boundary=x', ''];
const DIMS = ['0', '1', '2', '3', '-1', '1.5', '"2"', '9007199254740991', '4294967296', '65536', 'null', '[]', '1e3'];

/**
 * Builds the generator for `seed`; `models` are the V2 names that exist (others test 404s too).
 * `large` adds megabyte bodies (long strings, wide and long tables); without it bodies stay
 * within tens of kilobytes (the CI-sized run).
 */
export function fuzzCases(seed: number, models: readonly string[], large = true): () => FuzzCase {
  const r = rng(seed);
  const size = <T>(small: readonly T[], big: readonly T[]): readonly T[] => (large ? big : small);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  const chance = (p: number): boolean => r() < p;

  /** JSON text of a random value; `depth` grows nesting, rarely to far past any limit. */
  const value = (depth = 0): string => {
    const x = r();
    if (depth > 4 || x < 0.4) return pick(LEAF_TEXT);
    if (x < 0.43) {
      const n = pick(size([50, 999, 1001, 3000], [50, 999, 1001, 5000, 20_000]));
      return '['.repeat(n) + pick(LEAF_TEXT) + ']'.repeat(n);
    }
    if (x < 0.45) return JSON.stringify('y'.repeat(pick(size([1000, 20_000], [1000, 100_000, 1_000_000]))));
    if (x < 0.72) return `[${Array.from({ length: int(5) }, () => value(depth + 1)).join(', ')}]`;
    return `{${Array.from({ length: int(5) }, () => `${JSON.stringify(pick(KEYS))}: ${value(depth + 1)}`).join(', ')}}`;
  };
  /** A table-ish list of rows: sometimes wide, ragged or long. */
  const rows = (): string => {
    const n = pick(size([0, 1, 2, 3, 50, 200], [0, 1, 2, 3, 50, 2000]));
    const width = pick(size([0, 1, 3, 8, 40], [0, 1, 3, 8, 300]));
    return `[${Array.from({ length: n }, () => `[${Array.from({ length: chance(0.1) ? int(width + 2) : width }, () => pick(LEAF_TEXT)).join(',')}]`).join(',')}]`;
  };
  const shape = (): string => (chance(0.1) ? value() : `[${Array.from({ length: chance(0.05) ? 70 : int(4) }, () => pick(DIMS)).join(',')}]`);

  const json = (text: string, family: string, path = '/invocations', contentType = 'application/json'): FuzzCase => ({
    kind: 'http',
    family,
    method: 'POST',
    path,
    headers: contentType ? { 'content-type': contentType } : {},
    body: Buffer.from(text),
  });

  const mlflowJson = (): FuzzCase => {
    const key = pick(['inputs', 'instances', 'dataframe_split', 'dataframe_records', 'messages', 'prompt', 'input', 'params', 'columns', 'data']);
    let payload: string;
    if (key === 'dataframe_split') {
      const parts = [`"data": ${chance(0.7) ? rows() : value()}`];
      if (chance(0.7)) parts.push(`"columns": ${chance(0.7) ? JSON.stringify(Array.from({ length: int(9) }, () => pick(KEYS))) : value()}`);
      if (chance(0.2)) parts.push(`"index": ${value()}`);
      payload = `{${parts.join(', ')}}`;
    } else if (key === 'dataframe_records' && chance(0.6)) {
      payload = `[${Array.from({ length: pick(size([1, 2, 40, 300], [1, 2, 40, 3000])) }, (_, i) => `{${Array.from({ length: 1 + int(4) }, () => `${JSON.stringify(chance(0.2) ? `k${i}` : pick(KEYS))}: ${pick(LEAF_TEXT)}`).join(', ')}}`).join(', ')}]`;
    } else payload = chance(0.5) ? rows() : value();
    let text = `{${JSON.stringify(key)}: ${payload}${chance(0.3) ? `, "params": ${value()}` : ''}}`;
    const mutate = r();
    if (mutate < 0.05) text = text.slice(0, int(text.length));
    else if (mutate < 0.08) text = value();
    else if (mutate < 0.1) text = '\ufeff' + text;
    return json(text, `mlflow-json/${key}`);
  };

  const csv = (): FuzzCase => {
    const cols = Array.from({ length: pick(size([1, 2, 8, 60], [1, 2, 8, 500])) }, () => pick([...KEYS, 'a,b', '"q"', 'x y']));
    const cell = (): string => pick(['1', '1.5', '', 'NaN', 'nan', 'True', 'false', 'x', '"a,b"', '"unterminated', '2024-01-01', '99999-01-01', '1e400', '18446744073709551621', 'aGVsbG8=', '[1, 2]', '{"a": 1}', 'y'.repeat(pick(size([10, 5000], [10, 100_000])))]);
    const lines = Array.from({ length: pick(size([0, 1, 3, 40], [0, 1, 3, 200])) }, () => Array.from({ length: chance(0.15) ? int(cols.length * 2 + 1) : cols.length }, cell).join(','));
    const text = [cols.join(','), ...lines].join(pick(['\n', '\r\n', '\r'])) + (chance(0.5) ? '\n' : '');
    return json(text, 'csv', '/invocations', pick(['text/csv', 'text/csv', 'application/csv', 'text/csv; charset=utf-8']));
  };

  const v2Input = (): string => {
    const datatype = pick(DATATYPES);
    const parts = [`"name": ${JSON.stringify(pick([...KEYS, 'input', 'x1']))}`, `"shape": ${shape()}`, `"datatype": ${JSON.stringify(datatype)}`, `"data": ${chance(0.6) ? rows() : value()}`];
    if (chance(0.4)) parts.push(`"parameters": {"content_type": ${JSON.stringify(pick(V2_CONTENT))}}`);
    if (chance(0.05)) parts.splice(int(parts.length), 1);
    return `{${parts.join(', ')}}`;
  };
  const v2Rest = (): FuzzCase => {
    const model = chance(0.9) ? pick(models) : pick(['nope', '..', '%2e%2e', 'a/b']);
    const path = `/v2/models/${model}${chance(0.1) ? '/versions/1' : ''}/infer`;
    const inputs = `[${Array.from({ length: chance(0.1) ? 0 : 1 + int(3) }, v2Input).join(', ')}]`;
    const extra = chance(0.3) ? `, "parameters": {"content_type": ${JSON.stringify(pick(V2_CONTENT))}${chance(0.3) ? `, "temperature": ${pick(LEAF_TEXT)}` : ''}}` : '';
    const outputs = chance(0.1) ? `, "outputs": [{"name": ${JSON.stringify(pick(KEYS))}}]` : '';
    let text = `{"inputs": ${inputs}${extra}${outputs}${chance(0.2) ? `, "id": ${pick(['"x"', '1', 'null'])}` : ''}}`;
    if (chance(0.05)) text = text.slice(0, int(text.length));
    return json(text, 'v2-rest', path);
  };

  const grpc = (): FuzzCase => {
    const datatype = pick(DATATYPES);
    const dims = Array.from({ length: chance(0.05) ? 70 : int(4) }, () => pick(['0', '1', '2', '3', '9007199254740991', '4294967296', '65536']));
    const raw = chance(0.4);
    const numbers = Array.from({ length: pick([0, 1, 3, 12]) }, () => pick([0, 1, -1, 1.5, 1e308, 2 ** 31, -(2 ** 63)]));
    const contents: Record<string, unknown> = raw
      ? {}
      : { [pick(['bool_contents', 'int_contents', 'int64_contents', 'uint_contents', 'uint64_contents', 'fp32_contents', 'fp64_contents', 'bytes_contents'])]: numbers };
    if ('bool_contents' in contents) contents.bool_contents = numbers.map((n) => n !== 0);
    if ('int64_contents' in contents || 'uint64_contents' in contents) for (const k of Object.keys(contents)) contents[k] = numbers.map((n) => String(Math.trunc(Math.abs(n))));
    if ('bytes_contents' in contents) contents.bytes_contents = numbers.map((n) => Buffer.from(String(n)));
    if ('int_contents' in contents || 'uint_contents' in contents) for (const k of Object.keys(contents)) contents[k] = numbers.map((n) => Math.trunc(Math.abs(n)) % 2 ** 31);
    const param = (): Record<string, unknown> => ({ content_type: { string_param: pick(V2_CONTENT) } });
    const request: Record<string, unknown> = {
      model_name: chance(0.9) ? pick(models) : 'nope',
      inputs: [{ name: pick([...KEYS, 'input']), datatype, shape: dims, contents, ...(chance(0.4) ? { parameters: param() } : {}) }],
      ...(chance(0.3) ? { parameters: param() } : {}),
      ...(raw ? { raw_input_contents: [Buffer.from(Array.from({ length: pick([0, 1, 4, 8, 12, 33]) }, () => int(256)))] } : {}),
    };
    return { kind: 'grpc', family: 'grpc', request };
  };

  const edge = (): FuzzCase => {
    const x = r();
    if (x < 0.3) return json(value(), 'content-type', '/invocations', pick(CONTENT_TYPES));
    if (x < 0.5) return { kind: 'http', family: 'bytes', method: 'POST', path: '/invocations', headers: { 'content-type': pick(CONTENT_TYPES) || 'application/json' }, body: Buffer.from(Array.from({ length: pick([1, 16, 1000]) }, () => int(256))) };
    if (x < 0.6) return { kind: 'http', family: 'utf-16', method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"inputs": ${pick(LEAF_TEXT)}}`, 'utf16le') };
    if (x < 0.8) {
      return { kind: 'http', family: 'method', method: pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']), path: pick(['/invocations', '/ping', '/v2/models/x/infer', '/version/', '/metrics', '/v2/models', '/%', '/..%2f..%2f']), headers: {}, body: Buffer.alloc(0) };
    }
    // A body that claims a coding it does not have, or one mlserve does not decode.
    return { kind: 'http', family: 'content-encoding', method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json', 'content-encoding': pick(['gzip', 'br', 'deflate', 'zstd', 'gzip, br']) }, body: Buffer.from(value()) };
  };

  return () => {
    const x = r();
    if (x < 0.34) return mlflowJson();
    if (x < 0.48) return csv();
    if (x < 0.72) return v2Rest();
    if (x < 0.88) return grpc();
    return edge();
  };
}
