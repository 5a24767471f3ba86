// Owns the Python-style text of schema objects that MLflow embeds in its error messages (spec §3.9).

import type { ColSpec, ColType, ParamSpec, Schema, TensorSpec } from './types.js';
import { valueRepr } from '../data/pyrepr.js';

/** Python tuple text of a shape: `(-1,)`, `(-1, 3)`, `()`. */
export function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** MLflow's repr of a type: `double`, `Array(string)`, `{a: string (required)}`, `Map(str -> long)`, `Any`. */
export function colTypeRepr(t: ColType): string {
  switch (t.kind) {
    case 'scalar':
      return t.type;
    case 'array':
      return `Array(${colTypeRepr(t.items)})`;
    case 'object':
      return `{${t.properties.map((p) => `${p.name}: ${colTypeRepr(p.type)} (${p.required ? 'required' : 'optional'})`).join(', ')}}`;
    case 'map':
      return `Map(str -> ${colTypeRepr(t.values)})`;
    case 'any':
      return 'Any';
  }
}

/** Text of a ColSpec: `'a': double (required)` or `double (required)`. */
export function colSpecRepr(s: ColSpec): string {
  const body = `${colTypeRepr(s.type)} (${s.required ? 'required' : 'optional'})`;
  return s.name === undefined ? body : `'${s.name}': ${body}`;
}

/** Text of a TensorSpec: `Tensor('float32', (-1, 3))`, named `'a': Tensor(...)`. */
export function tensorSpecRepr(s: TensorSpec): string {
  const dtype = s.dtype === 'datetime64' ? 'datetime64[ns]' : s.dtype;
  const body = `Tensor('${dtype}', ${shapeRepr(s.shape)})`;
  return s.name === undefined ? body : `'${s.name}': ${body}`;
}

/** Text of a whole schema: `['a': double (required), 'b': long (required)]`. */
export function schemaRepr(schema: Schema): string {
  const parts = schema.kind === 'columns' ? schema.specs.map(colSpecRepr) : schema.specs.map(tensorSpecRepr);
  return `[${parts.join(', ')}]`;
}

/** Text of a param spec: `'flags': string (default: ['a', 'b']) (shape: (-1,))`. */
export function paramSpecRepr(p: ParamSpec): string {
  const shape = p.shape ? ` (shape: ${shapeRepr(p.shape)})` : '';
  return `'${p.name}': ${colTypeRepr(p.type)} (default: ${valueRepr(p.default)})${shape}`;
}
