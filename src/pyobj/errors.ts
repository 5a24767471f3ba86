// Owns the two failures of reading Python's saved objects: a file that cannot be read (PickleError)
// and a tree that is not what its consumer expects (PyTreeError).

/**
 * A pickle, `.npy`, zip or skops file that is malformed, truncated, hostile or beyond a limit.
 * `offset` is the byte where the reader stopped and `opcode` the pickle opcode it was running,
 * when those apply; both also appear in the message.
 */
export class PickleError extends Error {
  /** Byte offset in the input (the pickle, or the zip entry named in the message). */
  readonly offset: number | undefined;
  /** Name of the pickle opcode being run (`BINUNICODE`), when the failure is inside one. */
  readonly opcode: string | undefined;

  constructor(message: string, where: { offset?: number; opcode?: string; cause?: unknown } = {}) {
    const at = [where.opcode === undefined ? '' : `opcode ${where.opcode}`, where.offset === undefined ? '' : `byte ${where.offset}`]
      .filter(Boolean)
      .join(' at ');
    super(at ? `${message} (${at})` : message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'PickleError';
    this.offset = where.offset;
    this.opcode = where.opcode;
  }
}

/**
 * A value of the object tree that is missing or of the wrong kind for the code reading it
 * (an estimator's attribute). `path` locates it, e.g. `Pipeline.steps[1][1].coef_`, and the
 * message names the class it belongs to.
 */
export class PyTreeError extends Error {
  /** Where the value sits, from the root of the tree. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.name = 'PyTreeError';
    this.path = path;
  }
}
