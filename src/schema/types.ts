// Owns the types of an MLflow model signature: column specs, tensor specs and param specs (spec §3.1, §6.3).

import type { DType } from '../data/dtype.js';

/** MLflow's scalar DataTypes. */
export type DataTypeName = 'boolean' | 'integer' | 'long' | 'float' | 'double' | 'string' | 'binary' | 'datetime';

/** A column or element type: a DataType, or MLflow's Array / Object / Map / Any. */
export type ColType =
  | { readonly kind: 'scalar'; readonly type: DataTypeName }
  | { readonly kind: 'array'; readonly items: ColType }
  | { readonly kind: 'object'; readonly properties: readonly PropertySpec[] }
  | { readonly kind: 'map'; readonly values: ColType }
  | { readonly kind: 'any' };

/** One property of an Object type (sorted by name, as MLflow stores them). */
export interface PropertySpec {
  readonly name: string;
  readonly type: ColType;
  readonly required: boolean;
}

/** A column spec; `name` undefined for unnamed (positional) schemas. */
export interface ColSpec {
  readonly name?: string;
  readonly type: ColType;
  readonly required: boolean;
}

/** A tensor spec: numpy dtype and shape, `-1` for a variable dimension. */
export interface TensorSpec {
  readonly name?: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** An input or output schema: all column specs or all tensor specs. */
export type Schema =
  | { readonly kind: 'columns'; readonly specs: readonly ColSpec[] }
  | { readonly kind: 'tensors'; readonly specs: readonly TensorSpec[] };

/** A parameter spec; `shape` is null for scalars and `[-1]` for 1-D lists. */
export interface ParamSpec {
  readonly name: string;
  /** A DataType (never binary) or an Object type. */
  readonly type: ColType;
  /** The default after validation (datetimes as nanoseconds-bearing values, see params.ts). */
  readonly default: unknown;
  readonly shape: readonly number[] | null;
}

/** A model signature. */
export interface Signature {
  readonly inputs?: Schema;
  readonly outputs?: Schema;
  readonly params?: readonly ParamSpec[];
}

/** True when every spec of a schema has a name. */
export function hasInputNames(schema: Schema): boolean {
  return schema.specs.length > 0 && schema.specs.every((s) => s.name !== undefined);
}
