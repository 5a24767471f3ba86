// Owns PrewrittenJson: a model answer that arrives already written as MLflow's JSON (the Python engine writes it with MLflow's own writer).

/** What the answer was in Python, so that typed values can be rebuilt from the JSON when another format needs them. */
export type JsonShape =
  /** A numpy array of this dtype (mlserve's dtype names) and shape. */
  | { readonly t: 'nd'; readonly dt: string; readonly sh: readonly number[] }
  /** A pandas DataFrame (or Series) with these columns and dtypes, written as records. */
  | { readonly t: 'df'; readonly cols: readonly (readonly [string | number, string])[] }
  /** A dict of answers. */
  | { readonly t: 'dict'; readonly v: Readonly<Record<string, JsonShape>> }
  /** Anything else: the JSON value is the answer. */
  | { readonly t: 'js' };

/**
 * An answer whose JSON text is final: encoders write `text` as is (byte for byte what MLflow
 * writes), other formats rebuild values from it (`materializeOutput` in codecs/).
 */
export class PrewrittenJson {
  constructor(
    /** The JSON of the answer, without MLflow's `{"predictions": ...}` envelope. */
    readonly text: string,
    readonly shape: JsonShape = { t: 'js' },
  ) {}
}
