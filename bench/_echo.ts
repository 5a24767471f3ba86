// The 1-row echo request of the HTTP benchmarks (http.ts, logging.ts): the model, the request, the answer expected.

import { fileURLToPath } from 'node:url';
import type { LoadTarget } from './_load.js';

/** The echo model (dist/bench/ -> repository root: the model directory is read from the sources, not dist/). */
export const ECHO_MODEL_DIR = fileURLToPath(new URL('../../test/conformance/models/echo_optional', import.meta.url));

const REQUEST_BODY = '{"dataframe_split": {"columns": ["x"], "data": [[1.0]]}}';
const EXPECTED_BODY = '{"predictions": [{"x": 1.0}]}';

/** POST /invocations with a 1-row dataframe_split at `url`, checked against the echo's answer. */
export function echoTarget(url: string): LoadTarget {
  return {
    url,
    path: '/invocations',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(REQUEST_BODY),
    expectStatus: 200,
    expectBody: EXPECTED_BODY,
  };
}
