// Owns Content-Type analysis for /invocations (spec §1.6), with mlserve's documented improvements.

import { BadRequestError, UnsupportedMediaTypeError } from '../errors.js';

/** The request formats /invocations accepts. */
export type RequestFormat = 'json' | 'csv';

/** MLflow's note appended to errors that suggest a pre-2.0 scoring request. */
export const PROTOCOL_NOTE =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

/** MIME types by format. `application/csv` is accepted as MLflow's docs promise (its code answers 415). */
const MEDIA_TYPES: Record<string, RequestFormat> = {
  'application/json': 'json',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

/**
 * Returns the request format for a Content-Type header. Follows MLflow's algorithm (charset must be
 * utf-8 and is checked first; any other parameter is rejected; 415 bodies are plain text), except
 * that MIME types compare case-insensitively and a missing header is a 400 instead of MLflow's 500.
 */
export function parseContentType(header: string | undefined): RequestFormat {
  // Fast path for the headers nearly every client sends.
  if (header === 'application/json') return 'json';
  if (header === 'text/csv') return 'csv';
  if (header === undefined) {
    throw new BadRequestError(
      "Missing Content-Type header. Send 'Content-Type: application/json' or 'Content-Type: text/csv'.",
    );
  }
  const pieces = header.split(';').map((p) => p.trim());
  const mime = pieces[0].toLowerCase();
  const params = new Map<string, string>();
  for (const p of pieces.slice(1)) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    params.set(eq < 0 ? p : p.slice(0, eq), eq < 0 ? '' : p.slice(eq + 1));
  }
  const charset = (params.get('charset') ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8') throw new UnsupportedMediaTypeError('The scoring server only supports UTF-8');
  const unknown = [...params.keys()].filter((k) => k !== 'charset');
  if (unknown.length) throw new UnsupportedMediaTypeError(`Unrecognized content type parameters: ${unknown.join(', ')}. ${PROTOCOL_NOTE}`);
  const format = MEDIA_TYPES[mime];
  if (!format) {
    throw new UnsupportedMediaTypeError(
      `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${header}'.`,
    );
  }
  return format;
}
