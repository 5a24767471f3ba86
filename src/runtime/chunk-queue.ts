// Owns ChunkQueue: chunks pushed by a producer (a worker's messages), consumed as an async iterable, with cancellation.

/**
 * A stream of chunks between a producer that pushes and a consumer that iterates. The consumer
 * breaking out early (the client went away) calls `onCancel` once, so the producer can stop.
 */
export class ChunkQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  private waiter: (() => void) | undefined;

  constructor(private readonly onCancel: () => void = () => undefined) {}

  /** True once the producer ended the stream or the consumer cancelled it. */
  get ended(): boolean {
    return this.done;
  }

  /** Adds a chunk (ignored after the end). */
  push(item: T): void {
    if (this.done) return;
    this.items.push(item);
    this.wake();
  }

  /** Stops the stream from the consumer's side (the client went away): `onCancel` runs, a pending read ends. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.items.length = 0;
    this.onCancel();
    this.wake();
  }

  /** Cancels when `signal` aborts. */
  cancelOn(signal: AbortSignal | undefined): this {
    if (signal?.aborted) this.cancel();
    else signal?.addEventListener('abort', () => this.cancel(), { once: true });
    return this;
  }

  /** Ends the stream; with `error`, the consumer's next read throws it (after the chunks already pushed). */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    if (error !== undefined) this.failure = { error };
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (;;) {
        if (this.items.length) {
          yield this.items.shift()!;
          continue;
        }
        if (this.done) {
          if (this.failure) throw this.failure.error;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      if (!this.done) {
        this.done = true;
        this.onCancel();
      }
    }
  }
}
