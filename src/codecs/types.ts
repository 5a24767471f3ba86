// Owns the types shared by request decoders: what they need from the model and what they produce.

import type { Signature } from '../schema/types.js';
import type { Frame } from '../data/frame.js';

/** What a request decoder needs to know about the model. */
export interface DecodeContext {
  /** The model signature, if any. */
  readonly signature?: Signature;
  /** True when the signature came from Python type hints: `inputs` is passed through raw. */
  readonly signatureFromTypeHint?: boolean;
}

/** A decoded /invocations request, before signature enforcement. */
export interface DecodedRequest {
  /** Model input (Frame, Tensor, dict of tensors, or plain values). */
  readonly input: unknown;
  /** Params as sent (validated later against the params schema); null when absent. */
  readonly params: unknown;
  /** True for unified LLM payloads: the answer is not wrapped in `predictions`. */
  readonly unwrapped: boolean;
  /** True when the input must skip signature enforcement (type-hint models). */
  readonly enforced?: boolean;
  /** The rows as a table when `input` was built from one (CSV rows read as a tensor), for `--keep-columns`. */
  readonly table?: Frame;
}
