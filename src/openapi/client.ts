// Owns the typed TypeScript client of one model: one dependency-free, fetch-based file with input and output types from its signature.

import type { DType } from '../data/dtype.js';
import type { ModelDescription } from '../model/describe.js';
import type { ColType, ParamSpec, Schema, TensorSpec } from '../schema/types.js';
import { requestExample } from './example.js';
import { isLlmSignature } from './request.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string): string => (IDENT.test(name) ? name : JSON.stringify(name));
/** Text safe inside a block comment. */
const comment = (text: string): string => text.replace(/\*\//g, '*\\/');

/** The TypeScript type of a value of an MLflow type. */
export function colTypeTs(type: ColType): string {
  switch (type.kind) {
    case 'scalar':
      return type.type === 'boolean' ? 'boolean' : ['integer', 'long', 'float', 'double'].includes(type.type) ? 'number' : 'string';
    case 'array':
      return `Array<${colTypeTs(type.items)}>`;
    case 'object':
      return `{ ${type.properties.map((p) => `${key(p.name)}${p.required ? '' : '?'}: ${colTypeTs(p.type)}${p.required ? '' : ' | null'}`).join('; ')} }`;
    case 'map':
      return `Record<string, ${colTypeTs(type.values)}>`;
    case 'any':
      return 'unknown';
  }
}

function dtypeTs(dtype: DType): string {
  if (dtype === 'bool') return 'boolean';
  if (dtype === 'str' || dtype === 'bytes' || dtype === 'datetime64') return 'string';
  return dtype === 'object' ? 'unknown' : 'number';
}

/** Nested arrays of a tensor spec's rank. */
function tensorTs(spec: TensorSpec, dims = spec.shape.length): string {
  return dtypeTs(spec.dtype) + '[]'.repeat(dims);
}

function paramTs(p: ParamSpec): string {
  const t = colTypeTs(p.type);
  return p.shape === null ? t : `Array<${t}>`;
}

/** The `Predictions` type of an output signature (what `predictions` holds; see the OpenAPI document for every shape). */
function predictionsTs(outputs: Schema | undefined): string {
  if (!outputs) return 'unknown';
  const named = outputs.specs.every((s) => s.name !== undefined);
  if (outputs.kind === 'tensors') {
    if (!named) return tensorTs(outputs.specs[0]);
    const byName = `{ ${outputs.specs.map((s) => `${key(s.name!)}: ${tensorTs(s)}`).join('; ')} }`;
    const records = `Array<{ ${outputs.specs.map((s) => `${key(s.name!)}: ${tensorTs(s, s.shape.length - 1)}`).join('; ')} }>`;
    return `${byName} | ${records}`;
  }
  const forms: string[] = [];
  if (named) forms.push(`Array<{ ${outputs.specs.map((s) => `${key(s.name!)}${s.required ? '' : '?'}: ${colTypeTs(s.type)}`).join('; ')} }>`);
  if (outputs.specs.length === 1) forms.push(`Array<${colTypeTs(outputs.specs[0].type)}>`);
  if (named) forms.push(`{ ${outputs.specs.map((s) => `${key(s.name!)}: Array<${colTypeTs(s.type)}>`).join('; ')} }`);
  return forms.join(' | ');
}

/** The input type and the body `predict` sends for it. */
function inputTs(d: ModelDescription): { types: string; param: string; body: string; doc: string } {
  const inputs = d.signature?.inputs;
  if (!inputs || d.signatureFromTypeHint) return { types: 'export type ModelInput = unknown;', param: 'input: ModelInput', body: '{ inputs: input }', doc: 'Sends `{"inputs": input}`.' };
  if (inputs.kind === 'tensors') {
    const named = inputs.specs.every((s) => s.name !== undefined);
    const types = named ? `export interface ModelInput {\n${inputs.specs.map((s) => `  /** ${s.dtype} [${s.shape.join(', ')}] */\n  ${key(s.name!)}: ${tensorTs(s)};`).join('\n')}\n}` : `/** ${inputs.specs[0].dtype} [${inputs.specs[0].shape.join(', ')}] */\nexport type ModelInput = ${tensorTs(inputs.specs[0])};`;
    return { types, param: 'input: ModelInput', body: '{ inputs: input }', doc: 'Sends the tensor(s) as `{"inputs": ...}`.' };
  }
  if (inputs.specs.some((s) => s.name === undefined)) {
    return { types: `export type ModelInputRow = [${inputs.specs.map((s) => colTypeTs(s.type)).join(', ')}];`, param: 'rows: ModelInputRow[]', body: '{ dataframe_split: { data: rows } }', doc: 'Sends the rows as `dataframe_split`.' };
  }
  const fields = inputs.specs.map((s) => `  /** ${comment(s.type.kind === 'scalar' ? s.type.type : s.type.kind)}${s.type.kind === 'scalar' && s.type.type === 'binary' ? ', base64' : ''}${s.type.kind === 'scalar' && s.type.type === 'datetime' ? ', ISO-8601' : ''} */\n  ${key(s.name!)}${s.required ? '' : '?'}: ${colTypeTs(s.type)}${s.required ? '' : ' | null'};`);
  return { types: `export interface ModelInputRow {\n${fields.join('\n')}\n}`, param: 'rows: ModelInputRow[]', body: '{ dataframe_records: rows }', doc: 'Sends the rows as `dataframe_records`.' };
}

/** The generated client of a model, as TypeScript source. */
export function generateClient(d: ModelDescription, options: { serverVersion: string; defaultUrl?: string }): string {
  const input = inputTs(d);
  const params = d.signature?.params ?? [];
  const chat = isLlmSignature(d.signature) && d.signature?.inputs?.kind === 'columns' && d.signature.inputs.specs.some((s) => s.name === 'messages');
  const paramsType = params.length
    ? `export interface ModelParams {\n${params.map((p) => `  /** default: ${comment(JSON.stringify(p.default ?? null))} */\n  ${key(p.name)}?: ${paramTs(p)} | null;`).join('\n')}\n}`
    : '/** The model declares no params. */\nexport type ModelParams = Record<string, never>;';
  const example = requestExample(d.inputExample, d.signature);
  const messageType = chat ? colTypeTs((d.signature!.inputs!.specs.find((s) => s.name === 'messages') as { type: ColType }).type) : '';
  return `// Typed client for the MLflow model ${comment(d.name)} (${comment(d.uri)}, flavor ${comment(d.flavor)}), served by mlserve.
// Generated by mlserve ${options.serverVersion} \`models generate-client\`; regenerate it when the model's signature changes.
// No dependencies: it uses the global fetch (Node.js 18+, browsers, Deno, Bun).
/* eslint-disable */

${input.types}

${paramsType}

/** What \`predictions\` holds, from the model's output signature. */
export type Predictions = ${predictionsTs(d.signature?.outputs)};
${chat ? `\n/** One chat message. */\nexport type ChatMessage = ${messageType} extends Array<infer M> ? M : never;\n` : ''}
/** An MLflow error answer (\`{"error_code", "message"}\`), or a plain-text one (415, 504). */
export class MlflowError extends Error {
  /** MLflow's error code, e.g. BAD_REQUEST, INVALID_PARAMETER_VALUE, TEMPORARILY_UNAVAILABLE. */
  readonly errorCode: string;
  /** The HTTP status. */
  readonly status: number;
  /** Sent by MLflow for model failures and CSV parse errors. */
  readonly stackTrace?: string;

  constructor(status: number, errorCode: string, message: string, stackTrace?: string) {
    super(message);
    this.name = 'MlflowError';
    this.status = status;
    this.errorCode = errorCode;
    this.stackTrace = stackTrace;
  }
}

/** Options of the client. */
export interface ClientOptions {
  /** A fetch implementation; default: the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request (e.g. authorization for a proxy in front of the server). */
  headers?: Record<string, string>;
}

/** Status codes MLflow maps its error codes to when the body is not its JSON envelope. */
const TEXT_ERROR_CODES: Record<number, string> = { 413: 'REQUEST_LIMIT_EXCEEDED', 415: 'BAD_REQUEST', 503: 'TEMPORARILY_UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

/** Parses MLflow's JSON, whose numbers may be the bare tokens NaN, Infinity and -Infinity. */
function parseMlflowJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const marked = text.replace(/"(?:[^"\\\\]|\\\\.)*"|-?Infinity|NaN/g, (m) => (m[0] === '"' ? m : \`"\\u0000\${m}"\`));
    return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v[0] === '\\u0000' ? Number(v.slice(1)) : v));
  }
}

/** Calls ${comment(d.name)}'s MLflow scoring routes. */
export class ModelClient {
  /** The model's input example (from the model, or built from its signature). */
  static readonly example: unknown = ${JSON.stringify(example ?? null)};

  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(baseUrl = ${JSON.stringify(options.defaultUrl ?? 'http://127.0.0.1:5000')}, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
    this.headers = options.headers ?? {};
  }

  /** Scores input. ${input.doc} Rejects with MlflowError on an error answer. */
  async predict(${input.param}, params?: ModelParams): Promise<Predictions> {
    const body: Record<string, unknown> = ${input.body};
    if (params !== undefined) body.params = params;
    const answer = (await this.invoke(body)) as { predictions: Predictions };
    return answer.predictions;
  }
${chat ? `
  /** Sends a conversation as a unified LLM payload (params beside \`messages\`); resolves with the model's unwrapped answer. */
  async chat(messages: ChatMessage[], params?: ModelParams): Promise<unknown> {
    return this.invoke({ ...(params ?? {}), messages });
  }
` : ''}
  /** Scores CSV text (a header line, then rows; CSV carries no params). */
  async predictCsv(csv: string): Promise<Predictions> {
    const answer = (await this.post('text/csv', csv)) as { predictions: Predictions };
    return answer.predictions;
  }

  /** Posts any MLflow request body (an envelope with params, or a unified LLM payload) and resolves with the parsed answer. */
  async invoke(body: unknown): Promise<unknown> {
    return this.post('application/json', JSON.stringify(body));
  }

  /** True when the model is loaded and the server takes traffic (\`/ping\`). */
  async ping(): Promise<boolean> {
    const res = await this.fetchFn(\`\${this.baseUrl}/ping\`, { headers: this.headers });
    await res.text();
    return res.ok;
  }

  /** The MLflow protocol version the server implements (\`/version\`). */
  async version(): Promise<string> {
    const res = await this.fetchFn(\`\${this.baseUrl}/version\`, { headers: this.headers });
    return res.text();
  }

  private async post(contentType: string, body: string): Promise<unknown> {
    const res = await this.fetchFn(\`\${this.baseUrl}/invocations\`, { method: 'POST', headers: { ...this.headers, 'content-type': contentType }, body });
    const text = await res.text();
    if (res.ok) return parseMlflowJson(text);
    let envelope: { error_code?: unknown; message?: unknown; stack_trace?: unknown } | undefined;
    try {
      envelope = JSON.parse(text) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    const code = typeof envelope?.error_code === 'string' ? envelope.error_code : (TEXT_ERROR_CODES[res.status] ?? 'INTERNAL_ERROR');
    const message = typeof envelope?.message === 'string' ? envelope.message : text;
    throw new MlflowError(res.status, code, message, typeof envelope?.stack_trace === 'string' ? envelope.stack_trace : undefined);
  }
}
`;
}
